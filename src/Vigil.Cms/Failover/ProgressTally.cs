using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// A restore's progress as the bytes of the files in flight arrive, in all and per camera: counted under a lock, and
/// written out by one caller at a time, at most once per interval while copying (each write is a database transaction;
/// the per-camera counts go to the views beside it).
/// </summary>
internal sealed class ProgressTally : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reporting = new(1, 1);
    private readonly long _bytesTotal;
    private readonly long _filesTotal;
    private readonly SortedDictionary<string, CameraCount> _cameras = new(StringComparer.Ordinal);
    private readonly Func<RestoreProgress, Task> _report;
    private readonly Action<IReadOnlyList<CameraRestoreView>> _publishCameras;
    private readonly TimeProvider _time;
    private long _bytes;
    private int _files;
    private DateTimeOffset _reportedAt = DateTimeOffset.MinValue;

    /// <param name="cameras">Each camera's files and bytes on the standbys; empty when they did not say (an older agent).</param>
    public ProgressTally(
        long bytesTotal, long filesTotal, IEnumerable<CameraTotals> cameras, Func<RestoreProgress, Task> report,
        Action<IReadOnlyList<CameraRestoreView>> publishCameras, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        _bytesTotal = bytesTotal;
        _filesTotal = filesTotal;
        _report = report;
        _publishCameras = publishCameras;
        _time = time;
        foreach (var camera in cameras)
        {
            // Several standbys may each hold part of one camera's outage.
            var count = _cameras.GetValueOrDefault(camera.CameraId) ?? new CameraCount();
            count.FilesTotal += camera.Files;
            count.BytesTotal += camera.Bytes;
            _cameras[camera.CameraId] = count;
        }
    }

    public long FilesTotal => _filesTotal;

    /// <summary>Bytes of a file on its way arrived, or were found home already: a large file's copy shows as it goes.</summary>
    public void AddBytes(string camera, long bytes)
    {
        lock (_gate)
        {
            _bytes += bytes;
            if (_cameras.TryGetValue(camera, out var count))
            {
                count.BytesHome += bytes;
            }
        }
    }

    /// <summary>One more file is home, its bytes counted already.</summary>
    public void AddFile(string camera)
    {
        lock (_gate)
        {
            _files++;
            if (_cameras.TryGetValue(camera, out var count))
            {
                count.FilesHome++;
            }
        }
    }

    /// <summary>Writes the progress now.</summary>
    public async Task ReportAsync()
    {
        await _reporting.WaitAsync().ConfigureAwait(false);
        try
        {
            await WriteAsync().ConfigureAwait(false);
        }
        finally
        {
            _reporting.Release();
        }
    }

    /// <summary>Writes the progress if <paramref name="interval"/> passed since the last write and no other write is under way.</summary>
    public async Task ReportIfDueAsync(TimeSpan interval)
    {
        if (_time.GetUtcNow() - _reportedAt < interval || !await _reporting.WaitAsync(0).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await WriteAsync().ConfigureAwait(false);
        }
        finally
        {
            _reporting.Release();
        }
    }

    public void Dispose() => _reporting.Dispose();

    private Task WriteAsync()
    {
        _reportedAt = _time.GetUtcNow();
        RestoreProgress now;
        List<CameraRestoreView> cameras;
        lock (_gate)
        {
            // Totals were counted once at the start; a file catalogued since is home too, but never beyond the whole.
            now = new RestoreProgress(Math.Min(_bytes, _bytesTotal), _bytesTotal, (int)Math.Min(_files, _filesTotal), (int)_filesTotal);
            cameras = _cameras.Select(c => new CameraRestoreView(c.Key,
                (int)Math.Min(c.Value.FilesHome, c.Value.FilesTotal), (int)c.Value.FilesTotal,
                Math.Min(c.Value.BytesHome, c.Value.BytesTotal), c.Value.BytesTotal)).ToList();
        }

        _publishCameras(cameras);
        return _report(now);
    }

    private sealed class CameraCount
    {
        public long FilesTotal { get; set; }

        public long BytesTotal { get; set; }

        public long FilesHome { get; set; }

        public long BytesHome { get; set; }
    }
}

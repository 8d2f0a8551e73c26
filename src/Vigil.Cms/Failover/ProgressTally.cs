using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// A restore's progress as the bytes of the files in flight arrive: counted under a lock, and written out by one caller
/// at a time, at most once per interval while copying (each write is a database transaction).
/// </summary>
internal sealed class ProgressTally(long bytesTotal, long filesTotal, Func<RestoreProgress, Task> report, TimeProvider time) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reporting = new(1, 1);
    private long _bytes;
    private int _files;
    private DateTimeOffset _reportedAt = DateTimeOffset.MinValue;

    public long FilesTotal => filesTotal;

    /// <summary>Bytes of a file on its way arrived, or were found home already: a large file's copy shows as it goes.</summary>
    public void AddBytes(long bytes)
    {
        lock (_gate)
        {
            _bytes += bytes;
        }
    }

    /// <summary>One more file is home, its bytes counted already.</summary>
    public void AddFile()
    {
        lock (_gate)
        {
            _files++;
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
        if (time.GetUtcNow() - _reportedAt < interval || !await _reporting.WaitAsync(0).ConfigureAwait(false))
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
        _reportedAt = time.GetUtcNow();
        RestoreProgress now;
        lock (_gate)
        {
            // Totals were counted once at the start; a file catalogued since is home too, but never beyond the whole.
            now = new RestoreProgress(Math.Min(_bytes, bytesTotal), bytesTotal, (int)Math.Min(_files, filesTotal), (int)filesTotal);
        }

        return report(now);
    }
}

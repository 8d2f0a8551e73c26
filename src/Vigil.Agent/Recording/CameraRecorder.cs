using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Media;

namespace Vigil.Agent.Recording;

/// <summary>
/// Records one camera: runs ffmpeg, catalogs each segment as it closes, and restarts ffmpeg with
/// back-off whenever it exits (a lost stream, a killed process). Each run writes files with a prefix of
/// its own, so a restart never overwrites a segment. A run whose segments cannot be catalogued (disk,
/// database, ffprobe) is stopped, reported in <see cref="Problem"/> and restarted the same way, and the
/// files it left are catalogued by the next run: a recorder never goes on unwatched or dies silently.
/// </summary>
public sealed partial class CameraRecorder : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly string _listFolder;
    private readonly int _segmentSeconds;
    private readonly MediaTools _tools;
    private readonly SegmentCataloguer _cataloguer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Folder, string Prefix, string ListPath)> _uncatalogued = [];
    private Task? _loop;
    private bool _cannotStart;
    private bool _runFailed;

    public CameraRecorder(
        RecordingTarget target, string listFolder, int segmentSeconds, MediaTools tools, SegmentCataloguer cataloguer,
        DateTimeOffset? lastSegmentEnd, TimeProvider time, ILogger logger)
    {
        Target = target;
        _listFolder = listFolder;
        _segmentSeconds = segmentSeconds;
        _tools = tools;
        _cataloguer = cataloguer;
        _time = time;
        _logger = logger;
        LastSegmentEnd = lastSegmentEnd;
    }

    public RecordingTarget Target { get; }

    public CameraState State { get; private set; } = CameraState.Starting;

    public DateTimeOffset? LastSegmentEnd { get; private set; }

    public int Restarts { get; private set; }

    public string? Problem { get; private set; }

    /// <summary>ffmpeg cannot be run or its segments cannot be catalogued: the recorder, not the camera, is broken.</summary>
    public bool CannotRun => _cannotStart || _runFailed;

    public CameraHealth Health => new(Target.Owner, Target.Camera.Id, State, LastSegmentEnd, Restarts, Problem);

    public void Start() => _loop = Task.Run(() => SuperviseAsync(_stop.Token));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var backoff = FirstBackoff;
        while (!stopping.IsCancellationRequested)
        {
            var started = _time.GetUtcNow();
            int segments;
            try
            {
                segments = await RunOnceAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // Past the cataloguing guard nothing should throw; if something does, the loop still goes on.
                ReportFailure("recording failed", e);
                segments = 0;
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            if (segments > 0)
            {
                backoff = FirstBackoff;
            }
            else
            {
                // A run that failed is not the camera's fault: it is not recording, but not unreachable.
                State = _runFailed ? CameraState.Starting : CameraState.Unreachable;
            }

            Restarts++;
            var ran = _time.GetUtcNow() - started;
            LogRestart(_logger, Target.Key, ran.TotalSeconds, Problem ?? "stream ended", backoff.TotalSeconds);
            try
            {
                await Task.Delay(backoff, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    /// <summary>One ffmpeg run; returns how many segments it finished.</summary>
    private async Task<int> RunOnceAsync(CancellationToken stopping)
    {
        var now = _time.GetUtcNow();
        var prefix = now.ToString("HHmmssfff", CultureInfo.InvariantCulture);
        var folder = Path.Combine(Target.Space, Target.RelativeFolder, now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var list = new SegmentList(Path.Combine(_listFolder, $"{now:yyyyMMdd}-{prefix}.csv"));
        var catalogued = new HashSet<string>(StringComparer.Ordinal);
        Process ffmpeg;
        try
        {
            Directory.CreateDirectory(folder);
            Directory.CreateDirectory(_listFolder);
            ffmpeg = ChildProcess.Start(_tools.Ffmpeg, FfmpegArguments.Record(Target.Camera.StreamUrl, _segmentSeconds, folder, prefix, list.Path));
            _cannotStart = false;
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _cannotStart = e is Win32Exception or InvalidOperationException;
            Problem = $"cannot start recording: {StreamUrlMask.Mask(e.Message)}";
            return 0;
        }

        var errors = ffmpeg.StandardError.ReadToEndAsync(CancellationToken.None);
        var output = ffmpeg.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using (ffmpeg)
        {
            try
            {
                await CatalogUncataloguedRunsAsync().ConfigureAwait(false);
                await RecordAsync(ffmpeg, list, folder, prefix, catalogued, stopping).ConfigureAwait(false);
                _runFailed = false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // Whatever failed (disk, database, ffprobe), ffmpeg must not go on recording unwatched.
                await ProcessSignals.StopAsync(ffmpeg, TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
                _uncatalogued.Add((folder, prefix, list.Path));
                ReportFailure("cataloguing failed", e);
                await Task.WhenAll(output, errors).ConfigureAwait(false);
                return 0;
            }

            await output.ConfigureAwait(false);
            var stderr = (await errors.ConfigureAwait(false)).Trim();
            // ffmpeg names the URL it read, password and all: mask it before it reaches a log or the health answer.
            Problem = stderr.Length == 0 ? "the stream ended" : StreamUrlMask.Mask(LastLine(stderr));
        }

        return catalogued.Count;
    }

    private void ReportFailure(string what, Exception exception)
    {
        _runFailed = true;
        State = CameraState.Starting;
        Problem = $"{what}: {StreamUrlMask.Mask(exception.Message)}";
        LogRunFailed(_logger, Target.Key, what, exception);
    }

    /// <summary>Follows ffmpeg until it exits or the recorder stops, cataloguing each segment it finishes.</summary>
    private async Task RecordAsync(Process ffmpeg, SegmentList list, string folder, string prefix, HashSet<string> catalogued, CancellationToken stopping)
    {
        var exited = ffmpeg.WaitForExitAsync(stopping);
        while (!exited.IsCompleted)
        {
            await Task.WhenAny(exited, Task.Delay(PollInterval, _time, stopping)).ConfigureAwait(false);
            await CatalogListedAsync(list, folder, catalogued, CancellationToken.None).ConfigureAwait(false);
        }

        if (stopping.IsCancellationRequested)
        {
            await ProcessSignals.StopAsync(ffmpeg, TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
        }

        await CatalogListedAsync(list, folder, catalogued, CancellationToken.None).ConfigureAwait(false);
        await CatalogUnlistedAsync(folder, prefix, catalogued).ConfigureAwait(false);
        File.Delete(list.Path);
    }

    /// <summary>The files of runs that failed to catalog them, so none stays invisible until the agent restarts.</summary>
    private async Task CatalogUncataloguedRunsAsync()
    {
        while (_uncatalogued.Count > 0)
        {
            var (folder, prefix, listPath) = _uncatalogued[0];
            if (Directory.Exists(folder))
            {
                await CatalogUnlistedAsync(folder, prefix, []).ConfigureAwait(false);
            }

            File.Delete(listPath);
            _uncatalogued.RemoveAt(0);
        }
    }

    private async Task CatalogListedAsync(SegmentList list, string folder, HashSet<string> catalogued, CancellationToken cancellationToken)
    {
        foreach (var segment in list.ReadNew())
        {
            // ffmpeg lists a run's first segment as starting at 0 whatever its real start: ask ffprobe instead.
            double? duration = catalogued.Count == 0 ? null : segment.Duration.TotalSeconds;
            var entry = await _cataloguer.AddVideoAsync(Target.Owner, Target.Camera.Id, Target.Space, Path.Combine(folder, segment.FileName),
                duration, cancellationToken).ConfigureAwait(false);
            catalogued.Add(segment.FileName);
            if (entry is not null)
            {
                LastSegmentEnd = entry.End;
                State = CameraState.Recording;
                Problem = null;
                _runFailed = false;
            }
        }
    }

    /// <summary>A segment cut short (ffmpeg killed, or a stop) is not listed; it is still playable up to its last packet.</summary>
    private async Task CatalogUnlistedAsync(string folder, string prefix, HashSet<string> catalogued)
    {
        foreach (var file in Directory.EnumerateFiles(folder, $"{prefix}-*.ts").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (catalogued.Add(name))
            {
                var entry = await _cataloguer.AddVideoAsync(Target.Owner, Target.Camera.Id, Target.Space, file, null, CancellationToken.None)
                    .ConfigureAwait(false);
                LastSegmentEnd = entry?.End ?? LastSegmentEnd;
            }
        }
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Recorder {Camera}: {What}; ffmpeg stopped, restarting with back-off")]
    private static partial void LogRunFailed(ILogger logger, string camera, string what, Exception exception);

    private static string LastLine(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1].Trim();

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "Recorder {Camera}: ffmpeg ended after {Seconds:0.0} s ({Reason}); restarting in {Backoff} s")]
    private static partial void LogRestart(ILogger logger, string camera, double seconds, string reason, double backoff);
}

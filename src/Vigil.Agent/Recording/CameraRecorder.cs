using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Media;

namespace Vigil.Agent.Recording;

/// <summary>
/// Records one camera: runs ffmpeg, catalogs each segment as it closes, and starts ffmpeg again whenever it
/// exits (a lost stream, a killed process). A camera that goes silent is noticed by the recorder itself within
/// <see cref="SilenceLimit"/>, whatever ffmpeg's own timeouts do, and reported unreachable. While the camera does
/// not answer, its port is tried every <see cref="ReachabilityPoll"/> (a TCP connect, no ffmpeg), so recording
/// starts again as soon as it is back; a camera that answers but refuses (a wrong password, a full session
/// limit) is tried again with back-off. Each run writes files with a prefix of its own, so a restart never
/// overwrites a segment. A run whose segments cannot be catalogued (disk, database, ffprobe) is stopped,
/// reported in <see cref="Problem"/> and restarted with back-off, and the files it left are catalogued by the
/// next run: a recorder never goes on unwatched or dies silently.
/// </summary>
public sealed partial class CameraRecorder : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>How often the port of a camera that does not answer is tried.</summary>
    public static readonly TimeSpan ReachabilityPoll = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long a running ffmpeg may write nothing before the recorder stops it and calls the camera unreachable: a
    /// second under ffmpeg's own read timeout, at which ffmpeg writes out the packets it held back (measured), which
    /// would look like the camera sending again.
    /// </summary>
    public static readonly TimeSpan SilenceLimit = FfmpegArguments.ReadTimeout - TimeSpan.FromSeconds(1);

    /// <summary>How long a run may take to write its first byte: a camera far away may take seconds to set up its session.</summary>
    public static readonly TimeSpan StartLimit = FfmpegArguments.ReadTimeout * 2;

    private readonly string _listFolder;
    private readonly int _segmentSeconds;
    private readonly MediaTools _tools;
    private readonly SegmentCataloguer _cataloguer;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(string Folder, string Prefix, DateTimeOffset RunBegan, string ListPath)> _uncatalogued = [];
    private readonly CameraSource? _source;
    private Task? _loop;
    private bool _cannotStart;
    private bool _runFailed;
    private bool _audio = true;

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
        // Every URL is checked when stored; one that is not (an older store) is read as it is, over TCP.
        _source = CameraSource.Parse(target.Camera.StreamUrl, out _);
    }

    public RecordingTarget Target { get; }

    /// <summary>
    /// The state and its problem, replaced together: a reader (the health answer) must never see a new state beside the
    /// old problem, such as "unreachable" with no reason yet. Only the supervising loop writes it.
    /// </summary>
    private volatile RecorderCondition _condition = new(CameraState.Starting, null);

    public CameraState State => _condition.State;

    public DateTimeOffset? LastSegmentEnd { get; private set; }

    public int Restarts { get; private set; }

    public string? Problem => _condition.Problem;

    /// <summary>What the operator should know that does not stop the recording: the camera's audio had to be dropped.</summary>
    public string? Note { get; private set; }

    /// <summary>ffmpeg cannot be run or its segments cannot be catalogued: the recorder, not the camera, is broken.</summary>
    public bool CannotRun => _cannotStart || _runFailed;

    public CameraHealth Health
    {
        get
        {
            var condition = _condition;
            return new(Target.Owner, Target.Camera.Id, condition.State, LastSegmentEnd, Restarts, condition.Problem, Note);
        }
    }

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
            RunEnd run;
            try
            {
                run = await RunOnceAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // Past the cataloguing guard nothing should throw; if something does, the loop still goes on.
                ReportFailure("recording failed", e);
                run = new RunEnd(0, TryAgainAtOnce: false);
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            // Every way a run ends has already said the camera is not being recorded now, and why.
            Restarts++;
            if (run.Segments > 0)
            {
                backoff = FirstBackoff;
            }

            var ran = _time.GetUtcNow() - started;
            LogRestart(_logger, Target.Key, ran.TotalSeconds, Problem ?? "stream ended");
            try
            {
                var wasGone = await WaitUntilReachableAsync(stopping).ConfigureAwait(false);
                if (run.Segments == 0 && !run.TryAgainAtOnce && !wasGone && ran < SilenceLimit)
                {
                    // The camera answers at once and still gives nothing (a wrong password, no free session, a broken
                    // stream): asking again at once would only be refused again. A run that waited seconds on a silent
                    // camera was paced by that wait, and a camera that just came back is tried at once.
                    await Task.Delay(backoff, _time, stopping).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// How a run ended: the segments it finished, and whether the next may start without back-off (a silent run was
    /// already paced by the silence limit; a run whose audio failed is followed by one with video alone).
    /// </summary>
    private readonly record struct RunEnd(int Segments, bool TryAgainAtOnce);

    /// <summary>
    /// Tries the camera's port until it accepts a connection, reporting it unreachable meanwhile; answers whether it
    /// had to wait (the camera was gone and is back).
    /// </summary>
    private async Task<bool> WaitUntilReachableAsync(CancellationToken stopping)
    {
        if (_source is null || _runFailed)
        {
            return false;
        }

        var waited = false;
        while (await CameraReachability.ProblemAsync(_source, stopping).ConfigureAwait(false) is { } unreachable)
        {
            waited = true;
            _condition = new(CameraState.Unreachable, $"the camera does not answer: {unreachable}");
            await Task.Delay(ReachabilityPoll, _time, stopping).ConfigureAwait(false);
        }

        return waited;
    }

    /// <summary>One ffmpeg run.</summary>
    private async Task<RunEnd> RunOnceAsync(CancellationToken stopping)
    {
        var now = _time.GetUtcNow();
        var prefix = RecorderRunName.Prefix(now);
        var folder = Path.Combine(Target.Space, Target.RelativeFolder, RecorderRunName.Day(now));
        var list = new SegmentList(Path.Combine(_listFolder, $"{now:yyyyMMdd}-{prefix}.csv"));
        var catalogued = new HashSet<string>(StringComparer.Ordinal);
        Process ffmpeg;
        try
        {
            Directory.CreateDirectory(folder);
            Directory.CreateDirectory(_listFolder);
            ffmpeg = ChildProcess.Start(_tools.Ffmpeg, FfmpegArguments.Record(
                _source?.Address ?? Target.Camera.StreamUrl, _segmentSeconds, folder, prefix, list.Path, _source?.Transport ?? "tcp", _audio));
            _cannotStart = false;
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            _cannotStart = e is Win32Exception or InvalidOperationException;
            // A run that failed before is not the camera's fault: not recording, but not unreachable either.
            _condition = new(
                _runFailed ? CameraState.Starting : CameraState.Unreachable, $"cannot start recording: {StreamUrlMask.Mask(e.Message)}");
            return new RunEnd(0, TryAgainAtOnce: false);
        }

        var errors = ffmpeg.StandardError.ReadToEndAsync(CancellationToken.None);
        var output = ffmpeg.StandardOutput.ReadToEndAsync(CancellationToken.None);
        TimeSpan? silentFor;
        using (ffmpeg)
        {
            try
            {
                await CatalogUncataloguedRunsAsync().ConfigureAwait(false);
                silentFor = await RecordAsync(ffmpeg, list, folder, prefix, now, catalogued, stopping).ConfigureAwait(false);
                _runFailed = false;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                // Whatever failed (disk, database, ffprobe), ffmpeg must not go on recording unwatched.
                await ProcessSignals.StopAsync(ffmpeg, TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
                _uncatalogued.Add((folder, prefix, now, list.Path));
                ReportFailure("cataloguing failed", e);
                await Task.WhenAll(output, errors).ConfigureAwait(false);
                return new RunEnd(0, TryAgainAtOnce: false);
            }

            await output.ConfigureAwait(false);
            var stderr = (await errors.ConfigureAwait(false)).Trim();
            // ffmpeg names the URL it read, password and all: mask it before it reaches a log or the health answer.
            var said = RecorderExit.Reason(stderr) is { } reason ? StreamUrlMask.Mask(reason) : null;
            _condition = new(CameraState.Unreachable, silentFor is { } quiet ? $"the camera sent nothing for {quiet.TotalSeconds:0} s" : said ?? "the stream ended");
            if (catalogued.Count == 0 && _audio && RecorderExit.AudioFailed(stderr))
            {
                // Audio is never worth losing the picture: record the video alone and say so.
                _audio = false;
                Note = $"the camera's audio is not recorded: {said}";
                return new RunEnd(0, TryAgainAtOnce: true);
            }

            return new RunEnd(catalogued.Count, TryAgainAtOnce: silentFor is not null);
        }
    }

    private void ReportFailure(string what, Exception exception)
    {
        _runFailed = true;
        _condition = new(CameraState.Starting, $"{what}: {StreamUrlMask.Mask(exception.Message)}");
        LogRunFailed(_logger, Target.Key, what, exception);
    }

    /// <summary>
    /// Follows ffmpeg until it exits, the recorder stops, or the camera has sent nothing for <see cref="SilenceLimit"/>
    /// (ffmpeg's own timeouts are per socket read and may take three times as long), cataloguing each segment it
    /// finishes; answers how long the camera had been silent when the recorder stopped it (null when ffmpeg ended otherwise).
    /// </summary>
    private async Task<TimeSpan?> RecordAsync(
        Process ffmpeg, SegmentList list, string folder, string prefix, DateTimeOffset runBegan, HashSet<string> catalogued, CancellationToken stopping)
    {
        var exited = ffmpeg.WaitForExitAsync(stopping);
        var silence = new SilenceWatch(_time.GetUtcNow());
        TimeSpan? silentFor = null;
        while (!exited.IsCompleted)
        {
            await Task.WhenAny(exited, Task.Delay(PollInterval, _time, stopping)).ConfigureAwait(false);
            await CatalogListedAsync(list, folder, runBegan, catalogued, CancellationToken.None).ConfigureAwait(false);
            // The segment being written is the one after those listed: its length grows with every packet flushed.
            var current = new FileInfo(Path.Combine(folder, $"{prefix}-{catalogued.Count:D6}.ts"));
            var limit = catalogued.Count > 0 || current.Exists ? SilenceLimit : StartLimit;
            if (!exited.IsCompleted && silence.Silent(catalogued.Count, current.Exists ? current.Length : -1, _time.GetUtcNow(), limit))
            {
                // Said at once: ffmpeg blocked on a silent socket may take its whole stop grace to exit.
                silentFor = limit;
                _condition = new(CameraState.Unreachable, $"the camera sent nothing for {limit.TotalSeconds:0} s");
                break;
            }
        }

        if (stopping.IsCancellationRequested || silentFor is not null)
        {
            await ProcessSignals.StopAsync(ffmpeg, TimeSpan.FromSeconds(3), CancellationToken.None).ConfigureAwait(false);
        }

        await CatalogListedAsync(list, folder, runBegan, catalogued, CancellationToken.None).ConfigureAwait(false);
        await CatalogUnlistedAsync(folder, prefix, runBegan, catalogued).ConfigureAwait(false);
        File.Delete(list.Path);
        return silentFor;
    }

    /// <summary>The files of runs that failed to catalog them, so none stays invisible until the agent restarts.</summary>
    private async Task CatalogUncataloguedRunsAsync()
    {
        while (_uncatalogued.Count > 0)
        {
            var (folder, prefix, runBegan, listPath) = _uncatalogued[0];
            if (Directory.Exists(folder))
            {
                await CatalogUnlistedAsync(folder, prefix, runBegan, []).ConfigureAwait(false);
            }

            File.Delete(listPath);
            _uncatalogued.RemoveAt(0);
        }
    }

    private async Task CatalogListedAsync(SegmentList list, string folder, DateTimeOffset runBegan, HashSet<string> catalogued, CancellationToken cancellationToken)
    {
        foreach (var segment in list.ReadNew())
        {
            // ffmpeg lists a run's first segment as starting at 0 whatever its real start: ask ffprobe instead.
            double? duration = catalogued.Count == 0 ? null : segment.Duration.TotalSeconds;
            var entry = await _cataloguer.AddVideoAsync(Target.Owner, Target.Camera.Id, Target.Space, Path.Combine(folder, segment.FileName),
                duration, cancellationToken, follows: LastSegmentEnd, notBefore: runBegan).ConfigureAwait(false);
            catalogued.Add(segment.FileName);
            if (entry is not null)
            {
                LastSegmentEnd = entry.End;
                _condition = new(CameraState.Recording, null);
                _runFailed = false;
            }
        }
    }

    /// <summary>A segment cut short (ffmpeg killed, or a stop) is not listed; it is still playable up to its last packet.</summary>
    private async Task CatalogUnlistedAsync(string folder, string prefix, DateTimeOffset runBegan, HashSet<string> catalogued)
    {
        foreach (var file in Directory.EnumerateFiles(folder, $"{prefix}-*.ts").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            if (catalogued.Add(name))
            {
                var entry = await _cataloguer.AddVideoAsync(Target.Owner, Target.Camera.Id, Target.Space, file, null, CancellationToken.None,
                    follows: LastSegmentEnd, notBefore: runBegan).ConfigureAwait(false);
                LastSegmentEnd = entry?.End ?? LastSegmentEnd;
            }
        }
    }

    private sealed record RecorderCondition(CameraState State, string? Problem);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Recorder {Camera}: {What}; ffmpeg stopped, restarting with back-off")]
    private static partial void LogRunFailed(ILogger logger, string camera, string what, Exception exception);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information,
        Message = "Recorder {Camera}: ffmpeg ended after {Seconds:0.0} s ({Reason}); starting it again once the camera answers")]
    private static partial void LogRestart(ILogger logger, string camera, double seconds, string reason);
}

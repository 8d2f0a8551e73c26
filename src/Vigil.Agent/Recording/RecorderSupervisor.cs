using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Media;

namespace Vigil.Agent.Recording;

/// <summary>
/// Keeps exactly the wanted cameras recording: the agent's own cameras that have recording on, into its
/// own space, and the cameras of every protected server, into that takeover's space. Reconciles when
/// told something changed and every few seconds. Each owner (the agent
/// itself, each protected server) gets at most as many recorders as the license has channels, so the
/// number of ffmpeg processes stays bounded whatever was stored.
/// </summary>
public sealed partial class RecorderSupervisor(
    AgentOptions options,
    AgentIdentity identity,
    CameraStore cameras,
    TakeoverStore takeovers,
    RecordingSpaces spaces,
    RecordingCatalog catalog,
    SegmentCataloguer cataloguer,
    CatalogRecovery recovery,
    MediaTools tools,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = loggers.CreateLogger<RecorderSupervisor>();
    private readonly SemaphoreSlim _changed = new(0);
    private readonly Dictionary<string, CameraRecorder> _recorders = [];
    private readonly Lock _gate = new();

    private TaskCompletionSource _removed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string? _ownSpaceProblem;
    private int _unlicensedLogged;

    /// <summary>
    /// Why the agent cannot record its cameras at all, if it cannot. Read from the recorders as asked, so a
    /// recorder that fails between two reconciles is reported at once.
    /// </summary>
    public string? ServiceProblem => Recorders.FirstOrDefault(r => r.CannotRun)?.Problem ?? _ownSpaceProblem;

    public bool Ready { get; private set; }

    public IReadOnlyList<CameraRecorder> Recorders
    {
        get
        {
            lock (_gate)
            {
                return [.. _recorders.Values];
            }
        }
    }

    private string ListRoot => Path.Combine(options.DataDirectory, "segment-lists");

    /// <summary>Asks for a reconcile now (cameras or takeovers changed).</summary>
    public void Changed() => _changed.Release();

    /// <summary>
    /// Waits until no recorder of <paramref name="owner"/> runs (its last segment catalogued), at most
    /// <paramref name="timeout"/>; answers whether they all stopped.
    /// </summary>
    public async Task<bool> WaitStoppedAsync(string owner, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            while (true)
            {
                var removed = _removed.Task;
                if (!Recorders.Any(r => r.Target.Owner == owner))
                {
                    return true;
                }

                await removed.WaitAsync(linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        OrphanRecorders.Kill(ListRoot, _logger);
        await recovery.RunAsync(spaces.Paths, stoppingToken).ConfigureAwait(false);
        Ready = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await ReconcileGuardedAsync().ConfigureAwait(false);
                await _changed.WaitAsync(ReconcileInterval, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the recorders are stopped below.
        }

        foreach (var recorder in Recorders)
        {
            await recorder.DisposeAsync().ConfigureAwait(false);
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    /// <summary>A failed reconcile (database, disk) is logged and the next one tries again: the agent and its recorders keep running.</summary>
    private async Task ReconcileGuardedAsync()
    {
        try
        {
            await ReconcileAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReconcileFailed(_logger, e);
        }
    }

    private async Task ReconcileAsync()
    {
        var wanted = Wanted().ToDictionary(t => t.Key);
        foreach (var (key, recorder) in Recorders.Select(r => (r.Target.Key, r)))
        {
            if (!wanted.TryGetValue(key, out var target) || target != recorder.Target)
            {
                // Listed until fully stopped, so nobody deletes its folder while it still writes there.
                await recorder.DisposeAsync().ConfigureAwait(false);
                lock (_gate)
                {
                    _recorders.Remove(key);
                }

                Interlocked.Exchange(ref _removed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                LogStopped(_logger, key);
            }
        }

        foreach (var target in wanted.Values)
        {
            lock (_gate)
            {
                if (_recorders.ContainsKey(target.Key))
                {
                    continue;
                }

                var listFolder = Path.Combine(ListRoot, target.Owner, target.Camera.Id);
                var recorder = new CameraRecorder(target, listFolder, options.SegmentSeconds, tools, cataloguer,
                    catalog.LastEnd(target.Owner, target.Camera.Id), time, loggers.CreateLogger<CameraRecorder>());
                _recorders[target.Key] = recorder;
                recorder.Start();
            }

            LogStarted(_logger, target.Key, target.Space);
        }

        _ownSpaceProblem = OwnSpaceProblem();
    }

    private string? OwnSpaceProblem() =>
        cameras.List(AgentRoutes.OwnRecordings).Any(c => c.Recording) && spaces.OwnSpace() is null
            ? "no recording space is left for the server's own cameras"
            : null;

    private List<RecordingTarget> Wanted()
    {
        var wanted = new List<RecordingTarget>();
        var unlicensed = 0;
        var own = spaces.OwnSpace();
        if (own is not null)
        {
            var recording = cameras.List(AgentRoutes.OwnRecordings).Where(c => c.Recording).ToList();
            wanted.AddRange(recording.Take(identity.LicenseChannels).Select(c => new RecordingTarget(AgentRoutes.OwnRecordings, c, own)));
            unlicensed += Math.Max(0, recording.Count - identity.LicenseChannels);
        }

        foreach (var takeover in takeovers.List())
        {
            var taken = cameras.List(takeover.Server);
            wanted.AddRange(taken.Take(identity.LicenseChannels).Select(c => new RecordingTarget(takeover.Server, c, takeover.Space)));
            unlicensed += Math.Max(0, taken.Count - identity.LicenseChannels);
        }

        if (unlicensed != _unlicensedLogged)
        {
            _unlicensedLogged = unlicensed;
            if (unlicensed > 0)
            {
                LogUnlicensed(_logger, unlicensed, identity.LicenseChannels);
            }
        }

        return wanted;
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Reconciling the recorders failed; trying again at the next reconcile")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning,
        Message = "{Count} camera(s) are not recorded: an owner may record at most {Channels} cameras, the licensed channels")]
    private static partial void LogUnlicensed(ILogger logger, int count, int channels);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Recording {Camera} into {Space}")]
    private static partial void LogStarted(ILogger logger, string camera, string space);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Stopped recording {Camera}")]
    private static partial void LogStopped(ILogger logger, string camera);
}

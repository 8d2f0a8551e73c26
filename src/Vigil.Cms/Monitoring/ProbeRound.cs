using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Metrics;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Domain.Clock;
using Vigil.Domain.Health;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// One round of the monitor: probes every enabled agent (each bounded by the probe timeout) and feeds the
/// <see cref="HealthBoard"/>, and starts the inventory copy of the agents whose copy is due. A probe that
/// fails because of the CMS's own credential is not a miss (see <see cref="HealthBoard.SetAccessProblem"/>), nor is
/// one that timed out while the CMS itself stalled or was overloaded (<see cref="ProbeEvidence"/>), and no server's
/// data, however damaged, can end a round for the others. At most <see cref="ProbesInFlight"/> probes are in flight at once.
/// </summary>
internal sealed partial class ProbeRound(
    IServiceScopeFactory scopes,
    ServerDirectory directory,
    IAgentConnections agents,
    HealthBoard board,
    ClockBoard clocks,
    CmsStalls stalls,
    CmsSelfHealth self,
    SettingsStore settings,
    CameraSecrets cameraSecrets,
    CmsMetrics metrics,
    TimeProvider time,
    ILogger<ProbeRound> logger) : IDisposable
{
    public static TimeSpan SyncInterval { get; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many probes are in flight at most. A round that sent every probe at once had each one's timeout running
    /// while the CMS was still sending the others: at 10 000 servers on a busy CMS the last ones timed out before they
    /// were written to the wire, a miss of the CMS's own making. A probe's timeout now starts when it takes a slot, so
    /// it measures the agent. Enough slots that silent servers do not slow a round much: a thousand servers gone
    /// silent hold them all for one probe timeout; sending this many at once costs the CMS well under that timeout.
    /// </summary>
    public const int ProbesInFlight = 1024;

    /// <summary>What a disabled server's place in a round holds: it is not probed, and nothing about it changed.</summary>
    private static readonly Task<bool> NotProbed = Task.FromResult(false);

    private readonly SemaphoreSlim _slots = new(ProbesInFlight);
    private readonly Dictionary<int, DateTimeOffset> _lastSync = [];
    private readonly Dictionary<int, Task> _syncs = [];

    /// <summary>Probes every enabled server; answers the inventory copies it started (the caller need not wait for them).</summary>
    public async Task<IReadOnlyList<Task>> RunAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<ServerRow> servers;
        var began = time.GetTimestamp();
        try
        {
            servers = await directory.ReadAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDatabaseUnavailable(logger, e);
            return [];
        }

        var probes = new Task<bool>[servers.Count];
        for (var i = 0; i < servers.Count; i++)
        {
            probes[i] = servers[i].Enabled ? ProbeAsync(servers[i], stoppingToken) : NotProbed;
        }

        var syncs = StartDueSyncs(servers, probes, stoppingToken);
        var changes = await Task.WhenAll(probes).ConfigureAwait(false);
        board.EndRound(changes.Contains(true));
        metrics.RoundEnded(time.GetElapsedTime(began));
        return syncs;
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>
    /// Syncs run beside the probe rounds: a slow agent must not hold up the next second's probes. Each starts once its
    /// server's probe of this round is over (<paramref name="probes"/> lines up with <paramref name="servers"/>), so the
    /// two take the agent's monitor connection one after the other rather than one waiting for the other's turn.
    /// </summary>
    private List<Task> StartDueSyncs(IReadOnlyList<ServerRow> servers, Task<bool>[] probes, CancellationToken stoppingToken)
    {
        var now = time.GetUtcNow();
        foreach (var gone in _lastSync.Keys.Except(servers.Select(s => s.Id)).ToList())
        {
            _lastSync.Remove(gone);
            _syncs.Remove(gone);
        }

        var started = new List<Task>();
        for (var i = 0; i < servers.Count; i++)
        {
            var server = servers[i];
            var running = _syncs.TryGetValue(server.Id, out var sync) && !sync.IsCompleted;
            var due = !_lastSync.TryGetValue(server.Id, out var last) || now - last >= SyncInterval;
            if (!running && due)
            {
                _lastSync[server.Id] = now;
                _syncs[server.Id] = SyncAfterAsync(probes[i], server, stoppingToken);
                started.Add(_syncs[server.Id]);
            }
        }

        return started;
    }

    private async Task SyncAfterAsync(Task probe, ServerRow server, CancellationToken stoppingToken)
    {
        await probe.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await SyncAsync(server, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Probes one agent; true when the probe changed its health, its access or its cameras' states (the consoles are told).</summary>
    private async Task<bool> ProbeAsync(ServerRow server, CancellationToken stoppingToken)
    {
        ProbeResult result;
        var camerasChanged = false;
        var queued = time.GetTimestamp();
        await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
        metrics.ProbeWaited(time.GetElapsedTime(queued));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(settings.Failover.ProbeTimeout);
        var sent = time.GetTimestamp();
        var sentAt = time.GetUtcNow();
        var clockChanged = false;
        try
        {
            AgentHealth health;
            try
            {
                health = await agents.For(server).HealthAsync(timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }

            metrics.ProbeAnswered(time.GetElapsedTime(sent));
            clockChanged = await NoteClockAsync(server, ClockReading.From(sentAt, time.GetUtcNow(), health.At), stoppingToken).ConfigureAwait(false);
            result = ProbeClassifier.Classify(health);
            if (result.Outcome != ProbeOutcome.Ok)
            {
                metrics.ProbeFailed(result.Outcome == ProbeOutcome.SpaceFailure ? CmsMetrics.ProbeFailures.SpaceFailure : CmsMetrics.ProbeFailures.RecordingServiceFailure);
            }

            camerasChanged = board.SetCameras(server.Id, health.Cameras);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            metrics.ProbeFailed(CmsMetrics.ProbeFailures.Timeout);
            var stall = stalls.WorstSince(sent);
            if (!ProbeEvidence.IsEvidence(timedOut: true, self.IsOverloaded, stall, settings.Failover.ProbeTimeout))
            {
                // The answer may have come and been read too late: this says nothing about the server.
                metrics.ProbeDiscounted();
                LogDiscounted(logger, server.Name, stall.TotalMilliseconds, self.IsOverloaded);
                return false;
            }

            result = ProbeResult.Unreachable;
        }
        catch (AgentCallException e) when (e.Rule is AgentCallException.Rules.CredentialRejected or AgentCallException.Rules.CredentialUnreadable)
        {
            metrics.ProbeFailed(CmsMetrics.ProbeFailures.CredentialRejected);
            return await NoteAccessAsync(server, e.Message, stoppingToken).ConfigureAwait(false);
        }
        catch (AgentCallException e) when (e.Rule == AgentCallException.Rules.ClientClosed)
        {
            // The server was edited or removed during the probe: nothing was learnt about it.
            LogCutShort(logger, server.Name, e.Message);
            return false;
        }
        catch (AgentCallException e)
        {
            metrics.ProbeFailed(CmsMetrics.ProbeFailures.Unreachable);
            result = new ProbeResult(ProbeOutcome.Unreachable, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug or damaged data of one server is logged and tells nothing about its health.
            LogProbeFailed(logger, server.Name, e);
            return false;
        }

        var accessRestored = await NoteAccessAsync(server, null, stoppingToken).ConfigureAwait(false);
        if (board.Observe(server.Id, result) is not { } change)
        {
            return accessRestored || camerasChanged || clockChanged;
        }

        LogHealthChanged(logger, server.Name, change.From, change.To, change.Reason);
        await RecordAsync(server, Name(change.From), Name(change.To), change.Reason, change.At, stoppingToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes an event when the server's clock starts or stops drifting from the CMS's; true when it did.</summary>
    private async Task<bool> NoteClockAsync(ServerRow server, ClockReading reading, CancellationToken stoppingToken)
    {
        if (clocks.Observe(server.Id, server.Serial, reading) is not { } drifting)
        {
            return false;
        }

        var offset = reading.Offset.TotalSeconds.ToString("+0.0;-0.0", System.Globalization.CultureInfo.InvariantCulture);
        var reason = drifting
            ? $"its clock is {offset} s from the CMS's (± {reading.Uncertainty.TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} s), more than {ClockDrift.Limit.TotalSeconds:0} s: footage times are off; check NTP on both"
            : $"its clock is back within {ClockDrift.BackInStep.TotalSeconds:0} s of the CMS's ({offset} s)";
        LogClock(logger, server.Name, reason);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Events.Add(EventLog.Clock(server.Id, server.Name, drifting, reason, time.GetUtcNow()));
            await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDatabaseUnavailable(logger, e);
        }

        return true;
    }

    private async Task<bool> NoteAccessAsync(ServerRow server, string? problem, CancellationToken stoppingToken)
    {
        if (!board.SetAccessProblem(server.Id, problem))
        {
            return false;
        }

        var state = Name(board.HealthOf(server.Id).State);
        if (problem is not null)
        {
            LogAccessLost(logger, server.Name, problem);
            await RecordAsync(server, state, "no-access", problem, time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
        }
        else
        {
            await RecordAsync(server, "no-access", state, "the CMS's credential is accepted again", time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task RecordAsync(ServerRow server, string from, string to, string reason, DateTimeOffset at, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Events.Add(EventLog.Health(server.Id, server.Name, from, to, reason, at));
            await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDatabaseUnavailable(logger, e);
        }
    }

    private static string Name(HealthState state) => state.ToString().ToLowerInvariant();

    private async Task SyncAsync(ServerRow server, CancellationToken stoppingToken)
    {
        try
        {
            var info = await agents.For(server).InfoAsync(stoppingToken).ConfigureAwait(false);

            // Most copies change nothing: the directory's copy of the row says so without a database read, which at
            // 10 000 servers would be a thousand queries a second. The directory is read again after every committed
            // write and at least every 10 s, so a copy behind the database delays a write by one copy interval at most.
            if (string.Equals(info.Serial, server.Serial, StringComparison.Ordinal) && !AgentInventory.ReportDiffers(server, info, cameraSecrets))
            {
                if (InventoryFreshness.IsStale(server.LastSyncedAt, time.GetUtcNow()))
                {
                    await ConfirmAsync(server, stoppingToken).ConfigureAwait(false);
                }

                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var row = await db.Servers.FirstOrDefaultAsync(s => s.Id == server.Id, stoppingToken).ConfigureAwait(false);
            if (row is null)
            {
                return;
            }

            if (!string.Equals(info.Serial, row.Serial, StringComparison.Ordinal))
            {
                LogDifferentAgent(logger, row.Name, row.Serial, info.Serial);
                return;
            }

            if (AgentInventory.Refresh(row, info, time.GetUtcNow(), cameraSecrets))
            {
                await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (AgentCallException e)
        {
            LogSyncFailed(logger, server.Name, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDatabaseUnavailable(logger, e);
        }
    }

    /// <summary>
    /// Notes that the row still says what its agent does: one update of one column. A bulk update passes by the
    /// <see cref="ServerWriteInterceptor"/>, so the directory is told of the row here, and reads that one row again.
    /// </summary>
    private async Task ConfirmAsync(ServerRow server, CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var now = time.GetUtcNow();
        await db.Servers.Where(s => s.Id == server.Id && s.Serial == server.Serial)
            .ExecuteUpdateAsync(update => update.SetProperty(s => s.LastSyncedAt, now), stoppingToken).ConfigureAwait(false);
        directory.Changed([server.Id]);
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Health of {Server}: {From} -> {To} ({Reason})")]
    private static partial void LogHealthChanged(ILogger logger, string server, HealthState from, HealthState to, string reason);

    [LoggerMessage(EventId = 3112, Level = LogLevel.Debug,
        Message = "The probe of {Server} timed out while the CMS stalled {StallMs:0} ms (overloaded: {Overloaded}); not counted as a miss")]
    private static partial void LogDiscounted(ILogger logger, string server, double stallMs, bool overloaded);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Inventory of {Server} not refreshed: {Reason}")]
    private static partial void LogSyncFailed(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "The agent at the address of {Server} has serial {Found}, not {Expected}; its inventory is not copied")]
    private static partial void LogDifferentAgent(ILogger logger, string server, string expected, string found);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "The database could not be read or written during monitoring")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "The CMS cannot speak to {Server}: {Problem}; it is not failed over for that")]
    private static partial void LogAccessLost(ILogger logger, string server, string problem);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Clock of {Server}: {Reason}")]
    private static partial void LogClock(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3114, Level = LogLevel.Debug, Message = "The probe of {Server} was cut short and counts for nothing: {Reason}")]
    private static partial void LogCutShort(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Error, Message = "Probing {Server} failed unexpectedly; its health is unchanged")]
    private static partial void LogProbeFailed(ILogger logger, string server, Exception exception);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Domain;
using Vigil.Domain.Failover;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;
using Vigil.Domain.Planning;
using Vigil.Domain.Status;

namespace Vigil.Cms.Failover;

/// <summary>
/// Drives every failover episode. Each round, under the inventory lock, it turns health into inputs
/// (a failed server opens an episode, a recovered one fails back, a lost standby is replaced), lets the
/// <see cref="TakeoverPlanner"/> give waiting episodes a standby with a new epoch, and writes every
/// transition before acting. Then it starts each episode's next step with agents outside the lock, at
/// most one per episode, so a slow agent or a long restore never holds up another server's takeover.
/// </summary>
public sealed partial class FailoverEngine(
    IServiceScopeFactory scopes,
    FailoverLedger ledger,
    HealthBoard board,
    SettingsStore settings,
    InventoryLock inventoryLock,
    AgentClients clients,
    TimeProvider time,
    ILogger<FailoverEngine> logger) : BackgroundService
{
    private static readonly TimeSpan LongestRound = TimeSpan.FromSeconds(1);

    private readonly Wakeup _wakeup = new();
    private readonly Dictionary<EpisodeId, Task> _steps = [];
    private readonly Dictionary<(EpisodeId, ServerId), Task<bool>> _compensations = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await ResumeAsync(stoppingToken).ConfigureAwait(false);
        ledger.Changed += _wakeup.Signal;
        board.RoundChanged += _wakeup.Signal;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken).ConfigureAwait(false);
                var interval = settings.Failover.ProbeInterval < LongestRound ? settings.Failover.ProbeInterval : LongestRound;
                await _wakeup.WaitAsync(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                LogRoundFailed(logger, e);
                await Task.Delay(LongestRound, time, stoppingToken).ConfigureAwait(false);
            }
        }

        ledger.Changed -= _wakeup.Signal;
        board.RoundChanged -= _wakeup.Signal;
        await Task.WhenAll(_steps.Values).ConfigureAwait(false);
    }

    /// <summary>Reads the open episodes back; a server a standby records for starts as failed (see <see cref="HealthBoard.AssumeFailed"/>).</summary>
    private async Task ResumeAsync(CancellationToken stoppingToken)
    {
        using (await inventoryLock.AcquireAsync(stoppingToken).ConfigureAwait(false))
        {
            await using var scope = scopes.CreateAsyncScope();
            await ledger.LoadAsync(scope.ServiceProvider.GetRequiredService<CmsDbContext>(), stoppingToken).ConfigureAwait(false);
        }

        foreach (var episode in ledger.Open)
        {
            if (episode.StandbyRecordsInstead)
            {
                board.AssumeFailed(episode.RecordingServer.Value);
            }

            LogResumed(logger, episode.Id.Value, episode.Phase, episode.NextStep);
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        using (await inventoryLock.AcquireAsync(stoppingToken).ConfigureAwait(false))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var inventory = await InventorySnapshot.ReadAsync(db, stoppingToken).ConfigureAwait(false);
            await FollowHealthAsync(db, inventory, stoppingToken).ConfigureAwait(false);
            await DetectFailuresAsync(db, inventory, stoppingToken).ConfigureAwait(false);
            await AssignStandbysAsync(db, inventory, stoppingToken).ConfigureAwait(false);
        }

        StartSteps(stoppingToken);
        CompensateFailedTakeovers(stoppingToken);
    }

    private async Task FollowHealthAsync(CmsDbContext db, InventorySnapshot inventory, CancellationToken stoppingToken)
    {
        var failover = settings.Failover;
        foreach (var episode in ledger.Open)
        {
            if (episode.Phase is FailoverPhase.Detected or FailoverPhase.Assigning && inventory.Find(episode.RecordingServer) is { Enabled: false })
            {
                await ledger.ApplyAsync(db, episode, new StopFailover(Confirmed: true), FailoverLedger.EngineActor, stoppingToken).ConfigureAwait(false);
                continue;
            }

            var original = board.HealthOf(episode.RecordingServer.Value).State;
            var originalBack = original is HealthState.Healthy or HealthState.Recovered;
            FailoverInput? input = episode.Phase switch
            {
                FailoverPhase.Detected or FailoverPhase.Assigning when episode.Origin == FailoverOrigin.Automatic && originalBack =>
                    new OriginalRecovered(),
                FailoverPhase.Active when episode.Standby is { } standby && board.HealthOf(standby.Value).State == HealthState.Failed =>
                    new StandbyLost(board.HealthOf(standby.Value).Problem ?? "probes fail"),
                FailoverPhase.Active when originalBack && failover.AutomaticFailback && episode.Origin == FailoverOrigin.Automatic =>
                    new OriginalRecovered(),
                FailoverPhase.FailingBack or FailoverPhase.Restoring when original == HealthState.Failed && inventory.Exists(episode.RecordingServer) =>
                    new OriginalFailed(await FailoverLedger.NextEpochAsync(db, stoppingToken).ConfigureAwait(false)),
                _ => null,
            };
            if (input is not null)
            {
                await ledger.ApplyAsync(db, episode, input, FailoverLedger.EngineActor, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task DetectFailuresAsync(CmsDbContext db, InventorySnapshot inventory, CancellationToken stoppingToken)
    {
        var automatic = settings.Failover.AutomaticFailover;
        foreach (var server in inventory.Servers.Where(s => s.Role == ServerRole.Recording && s.Enabled && s.Group is not null))
        {
            if (board.HealthOf(server.Id.Value).State == HealthState.Failed && ledger.OpenFor(server.Id) is null
                && inventory.GroupOf(server) is { } group)
            {
                var begun = await ledger.BeginAsync(db, server, group, FailoverOrigin.Automatic, automatic, FailoverLedger.EngineActor, stoppingToken)
                    .ConfigureAwait(false);
                if (begun.IsAccepted)
                {
                    LogFailureDetected(logger, server.Name, begun.Episode.Id.Value);
                }
            }
        }
    }

    /// <summary>Gives every episode waiting for a standby the planner's choice, or says why there is none.</summary>
    private async Task AssignStandbysAsync(CmsDbContext db, InventorySnapshot inventory, CancellationToken stoppingToken)
    {
        var waiting = ledger.Open.Where(e => e.Phase is FailoverPhase.Detected or FailoverPhase.Assigning).ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        var derivation = new StatusDerivation(VigilVersion.Current, settings.Failover);
        var statuses = inventory.Statuses(derivation, board, ledger.Open);
        var ready = inventory.Servers
            .Where(s => s.Role == ServerRole.Standby && statuses.GetValueOrDefault(s.Id)?.Code == "normal_ready")
            .Select(s => StatusDerivation.ToCandidate(s, ready: true))
            .ToList();
        var failed = waiting
            .Select(e => inventory.Find(e.RecordingServer))
            .OfType<ManagedServer>()
            .Select(derivation.ToFailed)
            .ToList();
        var plan = TakeoverPlanner.Plan(failed, ready);
        foreach (var episode in waiting)
        {
            if (plan.StandbyFor(episode.RecordingServer) is { } standby)
            {
                var epoch = await FailoverLedger.NextEpochAsync(db, stoppingToken).ConfigureAwait(false);
                await ledger.ApplyAsync(db, episode, new StandbyChosen(standby, epoch), FailoverLedger.EngineActor, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                var reason = plan.Unprotected.FirstOrDefault(u => u.RecordingServer == episode.RecordingServer)?.Reason
                    ?? "the recording server is no longer in a group with protection on";
                if (episode.Phase == FailoverPhase.Detected || episode.Note != $"unprotected: {reason}")
                {
                    await ledger.ApplyAsync(db, episode, new NoStandbyAvailable(reason), FailoverLedger.EngineActor, stoppingToken).ConfigureAwait(false);
                }
            }
        }
    }

    private void StartSteps(CancellationToken stoppingToken)
    {
        foreach (var finished in _steps.Where(s => s.Value.IsCompleted).Select(s => s.Key).ToList())
        {
            _steps.Remove(finished);
        }

        foreach (var episode in ledger.Open)
        {
            if (!_steps.ContainsKey(episode.Id) && episode.NextStep is not (FailoverStep.None or FailoverStep.ChooseStandby or FailoverStep.AwaitRecovery))
            {
                _steps[episode.Id] = Task.Run(() => RunStepAsync(episode.Id, stoppingToken), CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// A standby whose takeover failed (it did not answer in time) may still carry the command out when it
    /// comes back; once it answers probes again it is told to release, so it does not record beside the
    /// standby that took over. Its footage stays until the episode's cleanup: it may be the only copy.
    /// </summary>
    private void CompensateFailedTakeovers(CancellationToken stoppingToken)
    {
        var open = ledger.Open;
        foreach (var key in _compensations.Keys.Where(k => open.All(e => e.Id != k.Item1)).ToList())
        {
            _compensations.Remove(key);
        }

        foreach (var episode in open.Where(e => e.FailedStandbys.Count > 0))
        {
            foreach (var standby in episode.FailedStandbys.Where(s => s != episode.Standby && board.HealthOf(s.Value).State != HealthState.Failed))
            {
                var key = (episode.Id, standby);
                if (_compensations.TryGetValue(key, out var running) && (!running.IsCompleted || running.Result))
                {
                    continue;
                }

                _compensations[key] = Task.Run(() => ReleaseFailedAsync(episode, standby, stoppingToken), CancellationToken.None);
            }
        }
    }

    private async Task<bool> ReleaseFailedAsync(FailoverEpisode episode, ServerId standby, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var row = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == standby.Value, stoppingToken).ConfigureAwait(false);
            if (row is null)
            {
                return true;
            }

            var epoch = await FailoverLedger.CurrentEpochAsync(db, stoppingToken).ConfigureAwait(false);
            await clients.For(row).ReleaseAsync(EpisodeRecords.FootageKey(episode.Id), epoch.Value, stoppingToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is AgentCallException or DbUpdateException or System.Data.Common.DbException or OperationCanceledException)
        {
            return false;
        }
    }

    private async Task RunStepAsync(EpisodeId id, CancellationToken stoppingToken)
    {
        if (ledger.Find(id) is not { } found)
        {
            return;
        }

        var (episode, changed) = found;
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(changed, stoppingToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var services = scope.ServiceProvider;
            var steps = ActivatorUtilities.CreateInstance<FailoverSteps>(services);
            var input = episode.NextStep switch
            {
                FailoverStep.StartTakeover => await steps.StartTakeoverAsync(episode, cancellation.Token).ConfigureAwait(false),
                FailoverStep.ResumeOriginal => await steps.ResumeOriginalAsync(episode, cancellation.Token).ConfigureAwait(false),
                FailoverStep.ReleaseStandby => await steps.ReleaseStandbyAsync(episode, cancellation.Token).ConfigureAwait(false),
                FailoverStep.RemoveFootage => await steps.RemoveFootageAsync(episode, cancellation.Token).ConfigureAwait(false),
                FailoverStep.CopyFootage => await ActivatorUtilities.CreateInstance<FootageRestorer>(services)
                    .RestoreAsync(episode, progress => ReportAsync(id, progress, cancellation.Token), cancellation.Token).ConfigureAwait(false),
                _ => null,
            };
            if (input is not null)
            {
                await FinishAsync(id, episode, input, cancellation.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The episode changed under the step (or the CMS stops); the next round looks at it afresh.
        }
        catch (Exception e) when (e is DbUpdateException or InvalidOperationException or System.Data.Common.DbException or IOException or HttpRequestException)
        {
            LogStepFailed(logger, id.Value, episode.NextStep, e);
        }
    }

    /// <summary>Applies a step's outcome, unless the episode moved on while the step ran.</summary>
    private async Task FinishAsync(EpisodeId id, FailoverEpisode started, FailoverInput input, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ledger.Find(id) is not { } now || !SameStep(now.Episode, started))
            {
                return;
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            if (input is TakeoverFailed failed && started.Standby is { } standby)
            {
                await RecordProtectionFailureAsync(db, standby, started.RecordingServer, failed.Reason, cancellationToken).ConfigureAwait(false);
            }

            var transition = await ledger.ApplyAsync(db, now.Episode, input, FailoverLedger.EngineActor, cancellationToken).ConfigureAwait(false);
            if (transition.Refusal is { } refusal)
            {
                LogStepRefused(logger, id.Value, refusal.Message);
            }
        }
    }

    private async Task ReportAsync(EpisodeId id, RestoreProgress progress, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ledger.Find(id) is { Episode.Phase: FailoverPhase.Restoring } now)
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
                await ledger.ApplyAsync(db, now.Episode, new RestoreProgressed(progress), FailoverLedger.EngineActor, cancellationToken, keepStep: true)
                    .ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether a step's result still applies: the episode is in the same step with the same standby and epoch.</summary>
    private static bool SameStep(FailoverEpisode now, FailoverEpisode started) =>
        now.Phase == started.Phase && now.Epoch == started.Epoch && now.Standby == started.Standby
        && now.OriginalRecording == started.OriginalRecording && now.RecordingServer == started.RecordingServer;

    private async Task RecordProtectionFailureAsync(CmsDbContext db, ServerId standby, ServerId recordingServer, string reason, CancellationToken cancellationToken)
    {
        var row = await db.Servers.FirstOrDefaultAsync(s => s.Id == standby.Value, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return;
        }

        row.ProtectionFailedFor = recordingServer.Value;
        row.ProtectionFailureReason = reason;
        row.ProtectionFailedAt = time.GetUtcNow();
        db.Events.Add(EventLog.Health(row.Id, row.Name, "normal_ready", "abnormal_protection_failed", reason, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        LogProtectionFailed(logger, row.Name, reason);
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "{Server} failed; failover episode {Episode} begins")]
    private static partial void LogFailureDetected(ILogger logger, string server, long episode);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Failover episode {Episode} resumed in phase {Phase}; next step {Step}")]
    private static partial void LogResumed(ILogger logger, long episode, FailoverPhase phase, FailoverStep step);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "Standby {Server} failed to take over: {Reason}")]
    private static partial void LogProtectionFailed(ILogger logger, string server, string reason);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Step {Step} of failover episode {Episode} failed; it is tried again")]
    private static partial void LogStepFailed(ILogger logger, long episode, FailoverStep step, Exception exception);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Failover episode {Episode} refused a step's outcome: {Reason}")]
    private static partial void LogStepRefused(ILogger logger, long episode, string reason);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Error, Message = "A failover round could not read or write the database; it is tried again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Domain;
using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Failover;

/// <summary>
/// Drives every failover episode. A round reads the inventory, health and open episodes under the inventory
/// lock, lets the pure <see cref="FailoverDecider"/> decide, and commits each decision as its own transaction
/// before anything acts on it; no agent is called under the lock. Each episode's next step with agents then
/// runs outside the lock (<see cref="RunStepAsync"/>), and its outcome is applied only to the episode version
/// it began at. Whoever drives the engine (the <see cref="FailoverLoop"/> in production, the deterministic
/// simulation in tests) decides when rounds and steps run.
/// </summary>
internal sealed partial class FailoverEngine(
    IServiceScopeFactory scopes,
    FailoverLedger ledger,
    LeaderEpochs epochs,
    HealthBoard board,
    SettingsStore settings,
    InventoryLock inventoryLock,
    ServerDirectory directory,
    IAgentConnections agents,
    TimeProvider time,
    ILogger<FailoverEngine> logger)
{
    /// <summary>
    /// How many inputs one round carries out at most; each is its own transaction. The steps they make due (a takeover)
    /// start only when the round has ended, and a round that gave a thousand waiting episodes their standbys, one commit
    /// each, had its first takeover accepted 9 s after the last episode began, on a busy CMS with 10 000 servers.
    /// Episodes it begins are not counted here: the decider begins at most <see cref="FailoverDecider.MostBegunPerRound"/>
    /// a round, in whole groups, and plans a group once every failed server in it has an episode.
    /// </summary>
    public const int MostInputsPerRound = 64;

    private readonly Dictionary<(EpisodeId, ServerId, Epoch), bool> _released = [];
    private readonly FailoverDecider _decider = new(time);
    private readonly Dictionary<EpisodeId, long> _saidStuck = [];

    /// <summary>Reads the open episodes back; a server a standby records for starts as failed (see <see cref="HealthBoard.AssumeFailed"/>).</summary>
    public async Task ResumeAsync(CancellationToken stoppingToken)
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

    /// <summary>
    /// Decides from the current situation and commits its decisions, one transaction each, at most
    /// <see cref="MostInputsPerRound"/> inputs. A decision that begins an episode is followed at once by a second decision
    /// over the new situation, so a server that failed is given its standby in the same round, planned together with
    /// every other waiting server of its group.
    /// </summary>
    public async Task RoundAsync(CancellationToken stoppingToken)
    {
        using (await inventoryLock.AcquireAsync(stoppingToken).ConfigureAwait(false))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var inventory = await InventorySnapshot.ReadAsync(db, directory, stoppingToken).ConfigureAwait(false);
            for (var pass = 0; pass < 2; pass++)
            {
                var decisions = _decider.Decide(await SituationAsync(db, inventory, stoppingToken).ConfigureAwait(false));
                var inputs = 0;
                foreach (var decision in decisions)
                {
                    if (decision is ApplyInput && ++inputs > MostInputsPerRound)
                    {
                        // The rest wait for the next round, which the commits above have already woken, and are decided
                        // again there from the situation these leave: a prefix of the round's decisions is what the
                        // round would have done first, so nothing is decided differently, only carried out in turns.
                        return;
                    }

                    await CarryOutAsync(db, inventory, decision, stoppingToken).ConfigureAwait(false);

                    // Each decision was its own transaction, and what it read is done with. Kept, every row the round's
                    // decisions touched was looked through again at each save: a round that opens a thousand episodes at
                    // once took a minute.
                    db.ChangeTracker.Clear();
                }

                if (!decisions.Any(d => d is BeginEpisode))
                {
                    break;
                }
            }
        }
    }

    private async Task<FailoverSituation> SituationAsync(CmsDbContext db, InventorySnapshot inventory, CancellationToken stoppingToken)
    {
        var health = inventory.Servers.ToDictionary(s => s.Id, s => board.HealthOf(s.Id.Value));
        return new FailoverSituation(
            inventory.Groups,
            inventory.Servers,
            health.ToDictionary(h => h.Key, h => h.Value.State),
            ledger.Open,
            settings.Failover,
            await epochs.CurrentAsync(db, stoppingToken).ConfigureAwait(false),
            VigilVersion.Current)
        {
            Problems = health.Where(h => h.Value.Problem is not null).ToDictionary(h => h.Key, h => h.Value.Problem!),
        };
    }

    /// <summary>The episodes whose next step involves agents, and is not already running (<paramref name="running"/>).</summary>
    public IReadOnlyList<EpisodeId> DueSteps(IReadOnlyCollection<EpisodeId> running) =>
        ledger.Open
            .Where(e => !running.Contains(e.Id) && e.NextStep is not (FailoverStep.None or FailoverStep.ChooseStandby or FailoverStep.AwaitRecovery))
            .Select(e => e.Id)
            .ToList();

    /// <summary>
    /// Runs an episode's next step and applies its outcome. A fault of the step is caught here, logged and the
    /// step is tried again by a later round: it never ends the engine or leaves an episode without a step.
    /// </summary>
    public async Task RunStepAsync(EpisodeId id, CancellationToken stoppingToken)
    {
        if (ledger.Find(id) is not { } found)
        {
            return;
        }

        var episode = found.Episode;
        using var logScope = EngineLogScope.For(logger, episode);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(found.Changed, stoppingToken);
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
                FailoverStep.CopyFootage => await services.GetRequiredService<FootageRestorer>()
                    .RestoreAsync(episode, progress => ReportAsync(id, progress, cancellation.Token), cancellation.Token).ConfigureAwait(false),
                _ => null,
            };
            if (input is not null)
            {
                await FinishAsync(found, input, cancellation.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The episode changed under the step (or the CMS stops); the next round looks at it afresh.
        }
        catch (AgentCallException e)
        {
            // An agent that refuses or does not answer is weather, not a fault of the CMS: said once, with the agent's
            // reason, so an episode that does not move shows why. So is a call cut short by the server's edit (rule client-closed).
            await SayStepStuckAsync(found, $"step {episode.NextStep} waits on an agent: {e.Message}; it is tried again", fault: null, stoppingToken)
                .ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await SayStepStuckAsync(found, $"step {episode.NextStep} failed ({e.GetType().Name}: {e.Message}); it is tried again", e, stoppingToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes why a step did not finish to the event log and the log, once per episode version: the step is tried
    /// again every round, and neither must fill with the same line. A fault of the CMS (<paramref name="fault"/>) is
    /// logged with its stack; an agent's refusal or silence in the agent's words. The episode itself is unchanged.
    /// </summary>
    private async Task SayStepStuckAsync(FailoverLedger.OpenEpisode step, string reason, Exception? fault, CancellationToken stoppingToken)
    {
        var id = step.Episode.Id;
        lock (_saidStuck)
        {
            if (_saidStuck.TryGetValue(id, out var said) && said == step.Version)
            {
                return;
            }

            // Only open episodes are remembered, so a CMS that runs for years holds one entry per episode still open.
            foreach (var ended in _saidStuck.Keys.Where(e => ledger.Find(e) is null).ToList())
            {
                _saidStuck.Remove(ended);
            }

            _saidStuck[id] = step.Version;
        }

        if (fault is null)
        {
            LogStepWaits(logger, id.Value, reason);
        }
        else
        {
            LogStepFailed(logger, id.Value, step.Episode.NextStep, fault);
        }

        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var phase = FailoverLedger.PhaseName(step.Episode.Phase);
            var name = await db.Servers.AsNoTracking().Where(s => s.Id == step.Episode.RecordingServer.Value).Select(s => s.Name)
                .FirstOrDefaultAsync(stoppingToken).ConfigureAwait(false) ?? step.Episode.RecordingServer.ToString();
            db.Events.Add(new EventRow
            {
                At = time.GetUtcNow(), ServerId = step.Episode.RecordingServer.Value, ServerName = name, EpisodeId = step.Episode.Id.Value,
                Kind = EventLog.FailoverKind, From = phase, To = phase, Actor = FailoverLedger.EngineActor,
                Reason = reason,
            });
            await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not said after all: the next round says it again.
            lock (_saidStuck)
            {
                _saidStuck.Remove(id);
            }

            LogStuckUnsaved(logger, id.Value, e);
        }
    }

    /// <summary>
    /// Standbys that may hold an episode's footage but are not its acting standby (a takeover that timed out and
    /// may still be carried out, a standby lost mid-failover, any holder once the failover is being wound up): each
    /// is told to release until it has answered once per epoch, whatever its health (a standby with a full disk still
    /// answers), so that at most one standby records the server under the newest epoch.
    /// </summary>
    public IReadOnlyList<(EpisodeId Episode, ServerId Standby)> DueReleases()
    {
        var open = ledger.Open;
        lock (_released)
        {
            foreach (var key in _released.Keys.Where(k => open.All(e => e.Id != k.Item1)).ToList())
            {
                _released.Remove(key);
            }

            return open
                .SelectMany(e => e.FootageOn.Where(s => !ServerChangeRules.IsActing(e, s))
                    .Where(s => !_released.ContainsKey((e.Id, s, e.Epoch)))
                    .Select(s => (e.Id, s)))
                .ToList();
        }
    }

    /// <summary>Tells a standby that is not the acting one to release the episode's takeover; remembered once it answered.</summary>
    public async Task ReleaseFormerAsync(EpisodeId id, ServerId standby, CancellationToken stoppingToken)
    {
        if (ledger.Find(id) is not { } found)
        {
            return;
        }

        using var logScope = EngineLogScope.For(logger, found.Episode);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var row = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == standby.Value, stoppingToken).ConfigureAwait(false);
            if (row is not null)
            {
                var epoch = await epochs.CurrentAsync(db, stoppingToken).ConfigureAwait(false);
                await agents.For(row).ReleaseAsync(found.Episode.FootageKey, epoch.Value, stoppingToken).ConfigureAwait(false);
            }

            lock (_released)
            {
                _released[(id, standby, found.Episode.Epoch)] = true;
            }
        }
        catch (AgentCallException)
        {
            // Not answering yet: it is asked again once it answers probes.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogReleaseFailed(logger, id.Value, standby.Value, e);
        }
    }

    private async Task CarryOutAsync(CmsDbContext db, InventorySnapshot inventory, FailoverDecision decision, CancellationToken stoppingToken)
    {
        switch (decision)
        {
            case BeginEpisode begin when inventory.Find(begin.Server) is { } server && inventory.GroupOf(server) is { } group:
                using (EngineLogScope.For(logger, server.Id, server.Name))
                {
                    var begun = await ledger.CommitAsync(db, () => ledger.BeginAsync(db, server, group, FailoverOrigin.Automatic,
                        settings.Failover.AutomaticFailover, FailoverLedger.EngineActor, stoppingToken), stoppingToken).ConfigureAwait(false);
                    if (begun.IsAccepted)
                    {
                        LogFailureDetected(logger, server.Name, begun.Episode.Id.Value);
                    }
                }

                break;
            case ApplyInput apply:
                using (ledger.Find(apply.Episode) is { } open ? EngineLogScope.For(logger, open.Episode, inventory.Find(open.Episode.RecordingServer)?.Name) : null)
                {
                    await ledger.CommitAsync(db, () => ledger.ApplyAsync(db, apply.Episode, apply.Input, FailoverLedger.EngineActor, stoppingToken), stoppingToken)
                        .ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Applies a step's outcome, unless the episode moved on while the step ran.</summary>
    private async Task FinishAsync(FailoverLedger.OpenEpisode started, FailoverInput input, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var transition = await ledger.CommitAsync(db, async () =>
            {
                var applied = await ledger.ApplyAsync(db, started.Episode.Id, input, FailoverLedger.EngineActor, cancellationToken, started.Version)
                    .ConfigureAwait(false);
                if (applied.IsAccepted && input is TakeoverFailed failed && started.Episode.Standby is { } standby)
                {
                    await RecordProtectionFailureAsync(db, standby, started.Episode.RecordingServer, failed.Reason, cancellationToken).ConfigureAwait(false);
                }

                return applied;
            }, cancellationToken).ConfigureAwait(false);
            if (transition.Refusal is { } refusal)
            {
                LogStepRefused(logger, started.Episode.Id.Value, refusal.Message);
            }
            else if (transition.Episode.Phase != started.Episode.Phase)
            {
                LogStepMovedOn(logger, started.Episode.NextStep, started.Episode.Phase, transition.Episode.Phase);
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
                await ledger.CommitAsync(db, () => ledger.ApplyAsync(db, id, new RestoreProgressed(progress), FailoverLedger.EngineActor, cancellationToken, now.Version),
                    cancellationToken).ConfigureAwait(false);
            }
        }
    }

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

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning, Message = "Failover episode {Episode}: {Reason}")]
    private static partial void LogStepWaits(ILogger logger, long episode, string reason);

    [LoggerMessage(EventId = 3212, Level = LogLevel.Error, Message = "Failover episode {Episode}: why its step did not finish could not be written to the event log")]
    private static partial void LogStuckUnsaved(ILogger logger, long episode, Exception exception);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Failover episode {Episode} refused a step's outcome: {Reason}")]
    private static partial void LogStepRefused(ILogger logger, long episode, string reason);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Information, Message = "Step {Step} done: {From} -> {To}")]
    private static partial void LogStepMovedOn(ILogger logger, FailoverStep step, FailoverPhase from, FailoverPhase to);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Warning, Message = "Telling server {Standby} to release failover episode {Episode} failed; it is tried again")]
    private static partial void LogReleaseFailed(ILogger logger, long episode, int standby, Exception exception);
}

using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Drills;
using Vigil.Domain.Failover;
using Vigil.Domain.Health;

namespace Vigil.Cms.Drills;

/// <summary>
/// Carries a started drill through: waits for its failover to be active, holds while the standby records, fails back,
/// waits for the failover to end (restore verified by checksum), then measures and writes the report. It only watches
/// the failover and asks for the failback: the engine does every step with agents. If the server really fails, or
/// anyone else acts on the failover, the drill ends as aborted and leaves the failover to the engine and the operators.
/// No agent is called under the inventory lock or in a transaction; each change to the drill is its own small write.
/// </summary>
internal sealed partial class DrillRunner(
    IServiceScopeFactory scopes,
    FailoverLedger ledger,
    HealthBoard board,
    IAgentConnections agents,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DrillRunner> logger)
{
    public const string Actor = "drill";

    /// <summary>How often a drill looks again when nothing told it to (a failover transition wakes it at once).</summary>
    private static readonly TimeSpan Look = TimeSpan.FromMilliseconds(500);

    /// <summary>A takeover is given this long, or three times its threshold if more, before the drill calls it off.</summary>
    private static readonly TimeSpan LeastTakeoverWait = TimeSpan.FromSeconds(60);

    private readonly Dictionary<long, Task> _running = [];

    private FailoverLedger Ledger { get; } = ledger;

    private HealthBoard Board { get; } = board;

    private IAgentConnections Agents { get; } = agents;

    private TimeProvider Clock { get; } = time;

    private ILogger Logger { get; } = logger;

    /// <summary>Runs drill <paramref name="id"/>; events after <paramref name="requestEventId"/> by anyone else are someone acting on it.</summary>
    public void Start(long id, long requestEventId)
    {
        var run = Task.Run(() => RunAsync(id, requestEventId, lifetime.ApplicationStopping), CancellationToken.None);
        lock (_running)
        {
            _running[id] = run;
        }

        // A drill that has ended is forgotten: CompletionOf answers at once for a drill not running here.
        _ = run.ContinueWith(_ => Forget(id, run), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    /// <summary>Completes when drill <paramref name="id"/> has ended (at once if it does not run here).</summary>
    public Task CompletionOf(long id)
    {
        lock (_running)
        {
            return _running.TryGetValue(id, out var task) ? task : Task.CompletedTask;
        }
    }

    private void Forget(long id, Task run)
    {
        lock (_running)
        {
            if (_running.TryGetValue(id, out var known) && known == run)
            {
                _running.Remove(id);
            }
        }
    }

    private async Task RunAsync(long id, long requestEventId, CancellationToken stopping)
    {
        var wakeup = new Wakeup();
        Ledger.Changed += wakeup.Signal;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var drill = await db.Drills.FirstAsync(d => d.Id == id, stopping).ConfigureAwait(false);
            var run = new Run(this, scope.ServiceProvider, db, drill, requestEventId, wakeup, stopping);
            await run.ExecuteAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The CMS stops: the drill stays running in the database and is ended as interrupted at the next start.
        }
        catch (Exception e)
        {
            LogDrillFailed(Logger, id, e);
            await EndAfterFaultAsync(id, e, stopping).ConfigureAwait(false);
        }
        finally
        {
            Ledger.Changed -= wakeup.Signal;
        }
    }

    private async Task EndAfterFaultAsync(long id, Exception fault, CancellationToken stopping)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var drill = await db.Drills.FirstAsync(d => d.Id == id, stopping).ConfigureAwait(false);
            if (drill.State == DrillState.Running.ToString())
            {
                await EndAsync(db, drill, DrillState.Aborted, [$"the drill could not go on ({fault.Message}); its failover is left to the engine and the operators"],
                    stopping).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogDrillFailed(Logger, id, e);
        }
    }

    /// <summary>Ends a drill with its state and reasons, and logs it.</summary>
    private async Task EndAsync(CmsDbContext db, DrillRow drill, DrillState state, IReadOnlyList<string> reasons, CancellationToken cancellationToken)
    {
        drill.State = state.ToString();
        drill.Step = DrillRecords.StateName(state);
        drill.EndedAt = Clock.GetUtcNow();
        drill.ReasonsJson = JsonSerializer.Serialize(reasons);
        var detail = reasons.Count == 0 ? $"drill {drill.Id} passed" : $"drill {drill.Id} {DrillRecords.StateName(state)}: {string.Join("; ", reasons)}";
        db.Events.Add(EventLog.Operator(drill.ServerId, drill.ServerName, "drill " + DrillRecords.StateName(state), detail, Actor, Clock.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        LogDrillEnded(Logger, drill.Id, drill.ServerName, state, detail);
    }

    private static string Seconds(double seconds) => seconds.ToString("0.0#", CultureInfo.InvariantCulture);

    /// <summary>One drill's way from its failover to its report.</summary>
    private sealed class Run(DrillRunner runner, IServiceProvider services, CmsDbContext db, DrillRow drill, long requestEventId, Wakeup wakeup, CancellationToken stopping)
    {
        private readonly DrillFootage _footage = new();
        private readonly EpisodeId _episode = new(drill.EpisodeId ?? throw new InvalidOperationException($"Drill {drill.Id} has no failover."));
        private DateTimeOffset _lastLook = DateTimeOffset.MinValue;

        private TimeProvider Time => runner.Clock;

        private string? _key;

        public async Task ExecuteAsync()
        {
            var active = await AwaitActiveAsync().ConfigureAwait(false);
            if (active.Abort is { } abort)
            {
                await runner.EndAsync(db, drill, DrillState.Aborted, [abort], stopping).ConfigureAwait(false);
                return;
            }

            var reasons = new List<string>();
            if (active.Episode is { } episode)
            {
                if (await HoldAsync(episode).ConfigureAwait(false) is { } aborted)
                {
                    await runner.EndAsync(db, drill, DrillState.Aborted, [aborted], stopping).ConfigureAwait(false);
                    return;
                }
            }
            else
            {
                reasons.Add(active.Refusal!);
            }

            if (await FailBackAsync().ConfigureAwait(false) is { } refused)
            {
                await runner.EndAsync(db, drill, DrillState.Aborted, [refused], stopping).ConfigureAwait(false);
                return;
            }

            if (await AwaitEndAsync().ConfigureAwait(false) is { } ended)
            {
                await runner.EndAsync(db, drill, DrillState.Aborted, [ended], stopping).ConfigureAwait(false);
                return;
            }

            await ReportAsync(reasons).ConfigureAwait(false);
        }

        /// <summary>Until the failover is active; an abort, or (no takeover in time) the reason the drill calls it off.</summary>
        private async Task<(FailoverEpisode? Episode, string? Abort, string? Refusal)> AwaitActiveAsync()
        {
            var wait = TimeSpan.FromSeconds(Math.Max(LeastTakeoverWait.TotalSeconds, drill.MaxTakeoverSeconds * 3));
            while (true)
            {
                if (await AbortReasonAsync(beforeFailback: true).ConfigureAwait(false) is { } abort)
                {
                    return (null, abort, null);
                }

                var episode = runner.Ledger.Find(_episode)!.Episode;
                if (episode.Phase == FailoverPhase.Active)
                {
                    drill.ActiveAt = episode.PhaseSince;
                    drill.TakeoverSeconds = (episode.PhaseSince - drill.StartedAt).TotalSeconds;
                    drill.StandbyId = episode.Standby?.Value;
                    drill.StandbyName = await NameOfAsync(episode.Standby).ConfigureAwait(false);
                    await StepAsync("holding", $"{drill.StandbyName} records the cameras of {drill.ServerName}: takeover took {Seconds(drill.TakeoverSeconds.Value)} s")
                        .ConfigureAwait(false);
                    return (episode, null, null);
                }

                if (Time.GetUtcNow() - drill.StartedAt > wait)
                {
                    return (null, null, $"no standby took over within {wait.TotalSeconds:0} s");
                }

                await wakeup.WaitAsync(Look, Time, stopping).ConfigureAwait(false);
            }
        }

        /// <summary>Lets the standby record for the hold time, reading its catalog as it goes; an abort reason, or null.</summary>
        private async Task<string?> HoldAsync(FailoverEpisode episode)
        {
            var until = episode.PhaseSince + TimeSpan.FromSeconds(drill.HoldSeconds);
            while (Time.GetUtcNow() < until)
            {
                if (await AbortReasonAsync(beforeFailback: true).ConfigureAwait(false) is { } abort)
                {
                    return abort;
                }

                var left = until - Time.GetUtcNow();
                await wakeup.WaitAsync(left < Look ? (left > TimeSpan.Zero ? left : TimeSpan.Zero) : Look, Time, stopping).ConfigureAwait(false);
            }

            await CollectAsync(force: true).ConfigureAwait(false);
            return null;
        }

        private async Task<string?> FailBackAsync()
        {
            drill.FailbackAt = Time.GetUtcNow();
            await StepAsync("failing back", $"the drill fails {drill.ServerName} back").ConfigureAwait(false);
            try
            {
                await services.GetRequiredService<FailoverCommands>().FailBackAsync(drill.ServerId, Actor, stopping).ConfigureAwait(false);
                return null;
            }
            catch (RefusedException e)
            {
                return $"the failback was refused ({e.Rule}: {e.Message}); the failover is left to the engine and the operators";
            }
        }

        /// <summary>Until the failover has ended, reading the standby's catalog while it still holds the footage; an abort reason, or null.</summary>
        private async Task<string?> AwaitEndAsync()
        {
            while (runner.Ledger.Find(_episode) is { } open)
            {
                if (await AbortReasonAsync(beforeFailback: false).ConfigureAwait(false) is { } abort)
                {
                    return abort;
                }

                var step = open.Episode.Phase switch
                {
                    FailoverPhase.Restoring => "restoring",
                    FailoverPhase.Cleaning => "cleaning up",
                    _ => "failing back",
                };
                var moved = step != drill.Step;
                if (moved)
                {
                    drill.Step = step;
                    await db.SaveChangesAsync(stopping).ConfigureAwait(false);
                }

                // The standby's last files are catalogued when it is released, just before the restore begins, and deleted once
                // home: the restore's start is the moment to list them all.
                if (open.Episode.Phase is FailoverPhase.FailingBack or FailoverPhase.Restoring)
                {
                    await CollectAsync(force: moved).ConfigureAwait(false);
                }

                await wakeup.WaitAsync(Look, Time, stopping).ConfigureAwait(false);
            }

            return null;
        }

        /// <summary>Measures from the catalogs, judges against the thresholds and writes the report.</summary>
        private async Task ReportAsync(List<string> reasons)
        {
            drill.Step = "measuring";
            await db.SaveChangesAsync(stopping).ConfigureAwait(false);
            var episode = await db.Episodes.AsNoTracking().FirstAsync(e => e.Id == _episode.Value, stopping).ConfigureAwait(false);
            var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == drill.ServerId, stopping).ConfigureAwait(false);
            IReadOnlyList<Recording> own = [];
            IEnumerable<string> cameras = [];
            if (server is not null)
            {
                cameras = AgentInventory.StoredCameras(server).Select(c => c.Id);
                try
                {
                    own = await runner.Agents.For(server).AllAsync(AgentRoutes.OwnRecordings, drill.StartedAt.AddMinutes(-1), Time.GetUtcNow().AddMinutes(1), stopping)
                        .ConfigureAwait(false);
                }
                catch (AgentCallException e)
                {
                    reasons.Add($"the recording server's catalog could not be read ({e.Message})");
                }
            }

            var failbackAt = drill.FailbackAt ?? Time.GetUtcNow();
            var figures = _footage.Cameras(cameras, own, drill.StartedAt, failbackAt);
            drill.CamerasJson = JsonSerializer.Serialize(figures.Select(f => new DrillCameraView(
                f.Figures.Camera, f.StandbyFirst, f.Figures.StandbyGap is { } gap ? Math.Round(gap.TotalSeconds, 3) : null,
                f.Figures.OwnLongestGap is { } ownGap ? Math.Round(ownGap.TotalSeconds, 3) : null, f.OwnSegments, f.StandbySegments)).ToList(), ContractJson.Options);
            drill.RestoredFiles = episode.RestoreFilesCopied;
            drill.RestoredBytes = episode.RestoreBytesCopied;
            drill.StandbyFilesSeen = _footage.StandbyFiles;
            drill.StandbyFilesHome = _footage.Home(own);
            var measured = new DrillMeasurements(
                drill.TakeoverSeconds is { } takeover ? TimeSpan.FromSeconds(takeover) : null,
                figures.Select(f => f.Figures).ToList(),
                episode.Phase == nameof(FailoverPhase.Completed) && episode.Resolution == nameof(FailoverResolution.Restored),
                drill.StandbyFilesSeen,
                drill.StandbyFilesHome);
            var limits = DrillSettings.Default with
            {
                MaxTakeover = TimeSpan.FromSeconds(drill.MaxTakeoverSeconds), MaxGap = TimeSpan.FromSeconds(drill.MaxGapSeconds),
            };
            var (state, judged) = DrillVerdict.Judge(measured, limits);
            reasons.AddRange(judged.Where(r => !reasons.Contains(r) && !(drill.TakeoverSeconds is null && r == "the failover never became active")));
            await runner.EndAsync(db, drill, reasons.Count == 0 ? state : DrillState.Failed, reasons, stopping).ConfigureAwait(false);
        }

        /// <summary>
        /// Why the drill must stop now, or null: the server really failed, the failover went where the drill did not take
        /// it, or someone else acted on the failover, the server or its standby.
        /// </summary>
        private async Task<string?> AbortReasonAsync(bool beforeFailback)
        {
            const string LeftToEngine = "the failover is left to the engine";
            var open = runner.Ledger.Find(_episode)?.Episode;
            if (open is null)
            {
                return beforeFailback ? $"the failover ended before the drill failed it back; {LeftToEngine}" : null;
            }

            if (runner.Board.HealthOf(drill.ServerId).State == HealthState.Failed)
            {
                return $"{drill.ServerName} really failed during the drill; {LeftToEngine}, and as a manual failover it waits for an operator's failback";
            }

            var expected = beforeFailback
                ? open.Phase is FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.TakingOver or FailoverPhase.Active
                : open.Phase is FailoverPhase.FailingBack or FailoverPhase.Restoring or FailoverPhase.Cleaning;
            if (!expected)
            {
                return $"the failover went to {FailoverLedger.PhaseName(open.Phase)} without the drill ({EpisodeRecords.Render(open.Note, new Dictionary<int, string>())}); {LeftToEngine}";
            }

            var episode = _episode.Value;
            var standby = drill.StandbyId ?? open.Standby?.Value;
            var acted = await db.Events.AsNoTracking()
                .Where(e => e.Id > requestEventId && e.Actor != Actor && e.Actor != FailoverLedger.EngineActor
                    && (e.EpisodeId == episode || (e.Kind == EventLog.OperatorKind && (e.ServerId == drill.ServerId || e.ServerId == standby))))
                .OrderBy(e => e.Id).FirstOrDefaultAsync(stopping).ConfigureAwait(false);
            return acted is null ? null : $"{acted.Actor} acted during the drill ({acted.To} on {acted.ServerName}); {LeftToEngine} and the operators";
        }

        /// <summary>Reads the standby's catalog of the drill's footage, at most once a second unless <paramref name="force"/>.</summary>
        private async Task CollectAsync(bool force)
        {
            if (drill.StandbyId is not { } id || (!force && Time.GetUtcNow() - _lastLook < TimeSpan.FromSeconds(1)))
            {
                return;
            }

            _lastLook = Time.GetUtcNow();
            var standby = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, stopping).ConfigureAwait(false);
            if (standby is not null)
            {
                _key ??= EpisodeRecords.FootageKey(await db.Episodes.AsNoTracking().FirstAsync(e => e.Id == _episode.Value, stopping).ConfigureAwait(false));
                await _footage.CollectAsync(runner.Agents.For(standby), _key, stopping).ConfigureAwait(false);
            }
        }

        private async Task StepAsync(string step, string detail)
        {
            drill.Step = step;
            db.Events.Add(EventLog.Operator(drill.ServerId, drill.ServerName, "drill " + step, detail, Actor, Time.GetUtcNow()));
            await db.SaveChangesAsync(stopping).ConfigureAwait(false);
            LogDrillStep(runner.Logger, drill.Id, drill.ServerName, step);
        }

        private async Task<string?> NameOfAsync(ServerId? id) => id is { } server
            ? await db.Servers.AsNoTracking().Where(s => s.Id == server.Value).Select(s => s.Name).FirstOrDefaultAsync(stopping).ConfigureAwait(false)
            : null;
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Information, Message = "Drill {Drill} of {Server}: {Step}")]
    private static partial void LogDrillStep(ILogger logger, long drill, string server, string step);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Information, Message = "Drill {Drill} of {Server} ended {State}: {Detail}")]
    private static partial void LogDrillEnded(ILogger logger, long drill, string server, DrillState state, string detail);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Error, Message = "Drill {Drill} failed")]
    private static partial void LogDrillFailed(ILogger logger, long drill, Exception exception);
}

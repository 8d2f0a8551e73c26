using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Failover;
using Vigil.Cms.Storage;
using Vigil.Domain;
using Vigil.Domain.Drills;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Drills;

/// <summary>
/// Drills for as long as the CMS runs. At start, a drill a restart interrupted is ended as <c>interrupted</c>, and its
/// failover, if still before failback, is failed back by this loop as soon as the server works (a drill's manual failover
/// would otherwise wait for a failback nobody was going to ask for, holding a standby the group needs). Then it runs
/// the schedule: at each due time every chosen recording server (or every one, in id order) is drilled, one at a time;
/// a server the rules refuse is skipped with the reason in the event log.
/// </summary>
internal sealed partial class DrillLoop(
    IServiceScopeFactory scopes, DrillRunner runner, DrillSettingsStore settings, TimeProvider time, ILogger<DrillLoop> logger) : BackgroundService
{
    public const string InterruptedReason = "the CMS restarted during the drill; the drill runner fails its failover back once the server works";

    private static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan HandBackEvery = TimeSpan.FromSeconds(1);

    private readonly Wakeup _settingsChanged = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        settings.Changed += _settingsChanged.Signal;
        try
        {
            await InterruptAsync(stoppingToken).ConfigureAwait(false);
            await Task.WhenAll(HandBackAsync(stoppingToken), ScheduleAsync(stoppingToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The CMS stops.
        }
        finally
        {
            settings.Changed -= _settingsChanged.Signal;
        }
    }

    /// <summary>Ends every drill still running in the database: none runs in this process yet, so a restart interrupted it.</summary>
    private async Task InterruptAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var running = DrillState.Running.ToString();
        foreach (var drill in await db.Drills.Where(d => d.State == running).ToListAsync(stoppingToken).ConfigureAwait(false))
        {
            drill.State = DrillState.Interrupted.ToString();
            drill.Step = DrillRecords.StateName(DrillState.Interrupted);
            drill.EndedAt = time.GetUtcNow();
            drill.ReasonsJson = JsonSerializer.Serialize(new[] { InterruptedReason });
            db.Events.Add(EventLog.Operator(drill.ServerId, drill.ServerName, "drill interrupted", $"drill {drill.Id}: {InterruptedReason}", DrillRunner.Actor,
                time.GetUtcNow()));
            LogInterrupted(logger, drill.Id, drill.ServerName);
        }

        await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Fails back the failovers of interrupted drills that are not failing back yet, until none is left.</summary>
    private async Task HandBackAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            await using (var scope = scopes.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
                var pending = await PendingHandBacksAsync(db, stoppingToken).ConfigureAwait(false);
                if (pending.Count == 0)
                {
                    return;
                }

                foreach (var serverId in pending)
                {
                    try
                    {
                        // Refused while the server is not functional yet (after a restart it must first be healthy again): tried again.
                        await scope.ServiceProvider.GetRequiredService<FailoverCommands>().FailBackAsync(serverId, DrillRunner.Actor, stoppingToken)
                            .ConfigureAwait(false);
                    }
                    catch (RefusedException e)
                    {
                        LogHandBackWaits(logger, serverId, e.Message);
                    }
                }
            }

            await Task.Delay(HandBackEvery, time, stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>The servers whose interrupted drill left a failover open before its failback.</summary>
    private static async Task<List<int>> PendingHandBacksAsync(CmsDbContext db, CancellationToken stoppingToken)
    {
        var interrupted = DrillState.Interrupted.ToString();
        var episodes = await db.Drills.AsNoTracking().Where(d => d.State == interrupted && d.EpisodeId != null).Select(d => d.EpisodeId!.Value)
            .ToListAsync(stoppingToken).ConfigureAwait(false);
        string[] beforeFailback = [nameof(FailoverPhase.Detected), nameof(FailoverPhase.Assigning), nameof(FailoverPhase.TakingOver), nameof(FailoverPhase.Active)];
        return await db.Episodes.AsNoTracking().Where(e => e.IsOpen && episodes.Contains(e.Id) && beforeFailback.Contains(e.Phase))
            .Select(e => e.RecordingServerId).ToListAsync(stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Waits for each due time of the schedule and runs its round; a changed schedule counts from when it changed.</summary>
    private async Task ScheduleAsync(CancellationToken stoppingToken)
    {
        var from = time.GetUtcNow();
        var schedule = settings.Current.Schedule;
        while (true)
        {
            if (settings.Current.Schedule != schedule)
            {
                schedule = settings.Current.Schedule;
                from = time.GetUtcNow();
            }

            var due = schedule.NextAfter(from);
            var now = time.GetUtcNow();
            if (due is { } at && at <= now)
            {
                await RoundAsync(stoppingToken).ConfigureAwait(false);
                from = at;
                continue;
            }

            var wait = due is { } next && next - now < LongestWait ? next - now : LongestWait;
            await _settingsChanged.WaitAsync(wait, time, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        IReadOnlyList<ServerId> round;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var recording = await db.Servers.AsNoTracking()
                .Where(s => s.Role == Inventory.AgentInventory.RecordingRole && s.Enabled && s.GroupId != null).Select(s => s.Id)
                .ToListAsync(stoppingToken).ConfigureAwait(false);
            round = DrillRotation.Round(recording.Select(id => new ServerId(id)), settings.Current.ScheduledServers);
        }

        LogRound(logger, round.Count);
        foreach (var server in round)
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                var id = await scope.ServiceProvider.GetRequiredService<DrillCommands>()
                    .StartAsync(server.Value, DrillRunner.Actor, DrillCommands.ScheduledTrigger, stoppingToken).ConfigureAwait(false);
                await runner.CompletionOf(id).ConfigureAwait(false);
            }
            catch (RefusedException e)
            {
                var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
                var name = await db.Servers.AsNoTracking().Where(s => s.Id == server.Value).Select(s => s.Name).FirstOrDefaultAsync(stoppingToken)
                    .ConfigureAwait(false) ?? server.ToString();
                db.Events.Add(EventLog.Operator(server.Value, name, "drill skipped", $"scheduled drill skipped: {e.Message} ({e.Rule})", DrillRunner.Actor,
                    time.GetUtcNow()));
                await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
                LogSkipped(logger, name, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 3311, Level = LogLevel.Warning, Message = "Drill {Drill} of {Server} was interrupted by a restart")]
    private static partial void LogInterrupted(ILogger logger, long drill, string server);

    [LoggerMessage(EventId = 3312, Level = LogLevel.Debug, Message = "The failover of interrupted drill on server {Server} waits to fail back: {Reason}")]
    private static partial void LogHandBackWaits(ILogger logger, int server, string reason);

    [LoggerMessage(EventId = 3313, Level = LogLevel.Information, Message = "Scheduled drills are due: {Count} recording server(s), one at a time")]
    private static partial void LogRound(ILogger logger, int count);

    [LoggerMessage(EventId = 3314, Level = LogLevel.Information, Message = "Scheduled drill of {Server} skipped: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string server, string reason);
}

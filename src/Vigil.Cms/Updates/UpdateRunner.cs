using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Domain;
using Vigil.Domain.Status;
using Vigil.Domain.Updates;

namespace Vigil.Cms.Updates;

/// <summary>
/// Carries agent updates through for as long as the CMS runs. Each round it starts the queued updates that
/// <see cref="UpdateScheduling"/> lets start (one server per group, standbys not while protecting) and gives every open
/// update a task of its own (<see cref="UpdateRun"/>) — also those a restart interrupted, which go on from their stored step.
/// It decides from one read of the inventory, the health board and the open failovers; it calls no agent and holds no lock.
/// </summary>
internal sealed partial class UpdateRunner(
    IServiceScopeFactory scopes, FailoverLedger ledger, HealthBoard board, SettingsStore settings, TimeProvider time, ILogger<UpdateRunner> logger)
    : BackgroundService
{
    public const string Actor = "update";

    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);

    private readonly Wakeup _wakeup = new();
    private readonly Dictionary<long, Task> _running = [];

    /// <summary>Looks at the queue now rather than at the next round: an update was queued or one ended.</summary>
    public void Wake() => _wakeup.Signal();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ledger.Changed += Wake;
        try
        {
            while (true)
            {
                try
                {
                    await RoundAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogRoundFailed(logger, e);
                }

                await _wakeup.WaitAsync(Round, time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The CMS stops: open updates stay in the database at their step and go on at the next start.
        }
        finally
        {
            ledger.Changed -= Wake;
            Task[] running;
            lock (_running)
            {
                running = [.. _running.Values];
            }

            await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
        }
    }

    private async Task RoundAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var open = await db.ServerUpdates.Where(u => u.IsOpen).OrderBy(u => u.Id).ToListAsync(stoppingToken).ConfigureAwait(false);
        if (open.Count == 0)
        {
            return;
        }

        var inventory = await InventorySnapshot.ReadAsync(db, stoppingToken).ConfigureAwait(false);
        var episodes = ledger.Open;
        var statuses = inventory.Statuses(new StatusDerivation(VigilVersion.Current, settings.Failover), board, episodes);
        var started = open.Where(u => u.Step != UpdateStep.Queued.Code()).ToList();
        var busyServers = started.Select(u => new ServerId(u.ServerId)).ToHashSet();
        var busyGroups = started.Select(u => inventory.Find(new ServerId(u.ServerId))?.Group).OfType<GroupId>().ToHashSet();
        var queued = new List<(ServerUpdateRow Row, QueuedUpdate Update)>();
        foreach (var row in open.Where(u => u.Step == UpdateStep.Queued.Code()))
        {
            if (inventory.Find(new ServerId(row.ServerId)) is not { } server)
            {
                End(db, row, UpdateStep.Failed, "the server was removed before its update began", time, logger);
                continue;
            }

            var inFailover = episodes.Any(e => e.RecordingServer == server.Id || e.Occupies(server.Id));
            var protectable = statuses.GetValueOrDefault(server.Id)?.Code == "normal_protected";
            queued.Add((row, new QueuedUpdate(row.Id, server.Id, server.Role, server.Group, inFailover, protectable)));
        }

        var starts = UpdateScheduling.Next(queued.Select(q => q.Update), busyGroups, busyServers).ToDictionary(s => s.Id);
        foreach (var (row, update) in queued)
        {
            if (starts.TryGetValue(row.Id, out var start))
            {
                Begin(db, row, start.Route);
            }
            else if (UpdateScheduling.WhyWaiting(update, busyGroups) is { } why && why != row.Detail)
            {
                row.Detail = why;
            }
        }

        await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
        foreach (var row in open.Where(u => u.IsOpen && u.Step != UpdateStep.Queued.Code()))
        {
            RunIfIdle(row.Id, stoppingToken);
        }
    }

    private void Begin(CmsDbContext db, ServerUpdateRow row, UpdateRoute route)
    {
        var now = time.GetUtcNow();
        var from = row.Step;
        row.Route = route == UpdateRoute.Rolling ? "rolling" : "in_place";
        row.StartedAt = now;
        var (step, detail) = row.PackageId is null
            ? (UpdateStep.Downloading, "fetching the package from the online feed")
            : route == UpdateRoute.Rolling
                ? (UpdateStep.HandingOver, "a standby takes the cameras over before the update (no recording is lost)")
                : (UpdateStep.Updating, "sending the package to the agent");
        row.Step = step.Code();
        row.Detail = route == UpdateRoute.InPlace && step == UpdateStep.Updating ? InPlaceDetail : detail;
        db.Events.Add(UpdateEvents.Step(row, from, step, $"started ({row.Route}): {row.Detail}", now));
        LogStep(logger, row.Id, row.ServerName, step, row.Detail);
    }

    /// <summary>What an operator must know about an update in place: a recording server's cameras are not recorded while it restarts.</summary>
    internal const string InPlaceDetail =
        "sending the package to the agent (updated in place: no standby could record its cameras meanwhile, so a recording server pauses while it restarts)";

    /// <summary>Stages the end of <paramref name="row"/> as <paramref name="step"/> with its event; the caller saves it.</summary>
    internal static void End(CmsDbContext db, ServerUpdateRow row, UpdateStep step, string reason, TimeProvider time, ILogger logger)
    {
        var from = row.Step;
        row.Step = step.Code();
        row.Detail = reason;
        row.Reason = step == UpdateStep.Done ? null : reason;
        row.EndedAt = time.GetUtcNow();
        row.IsOpen = false;
        db.Events.Add(UpdateEvents.Step(row, from, step, reason, time.GetUtcNow()));
        LogStep(logger, row.Id, row.ServerName, step, reason);
    }

    private void RunIfIdle(long id, CancellationToken stoppingToken)
    {
        lock (_running)
        {
            if (_running.ContainsKey(id))
            {
                return;
            }

            var run = Task.Run(() => RunAsync(id, stoppingToken), CancellationToken.None);
            _running[id] = run;
            _ = run.ContinueWith(_ => Forget(id), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private void Forget(long id)
    {
        lock (_running)
        {
            _running.Remove(id);
        }

        Wake();
    }

    private async Task RunAsync(long id, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var run = ActivatorUtilities.CreateInstance<UpdateRun>(scope.ServiceProvider, id);
            await run.ExecuteAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The CMS stops; the update goes on from its step at the next start.
        }
        catch (Exception e)
        {
            LogRunFailed(logger, id, e);
            await EndAfterFaultAsync(id, e, stoppingToken).ConfigureAwait(false);
        }
    }

    private async Task EndAfterFaultAsync(long id, Exception fault, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var row = await db.ServerUpdates.FirstAsync(u => u.Id == id, stoppingToken).ConfigureAwait(false);
            if (row.IsOpen)
            {
                End(db, row, UpdateStep.Failed, $"the update could not go on: {fault.Message}", time, logger);
                await db.SaveChangesAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogRunFailed(logger, id, e);
        }
    }

    [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Update {Id} of {Server}: {Step}: {Detail}")]
    internal static partial void LogStep(ILogger logger, long id, string server, UpdateStep step, string detail);

    [LoggerMessage(EventId = 3504, Level = LogLevel.Information, Message = "Update {Id} of {Server}: {Note}")]
    internal static partial void LogNote(ILogger logger, long id, string server, string note);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Error, Message = "Update round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Error, Message = "Update {Id} failed unexpectedly")]
    private static partial void LogRunFailed(ILogger logger, long id, Exception exception);
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Alerts;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Failover;

/// <summary>
/// Deletes the events older than the retention setting, at start and then every hour, oldest first in batches, each
/// batch its own short transaction so the probe loop's writes never wait long behind it. Events are read in id order,
/// which is the order they were written in, so the oldest are found without comparing times in SQL (SQLite cannot
/// order by a time with an offset). An event the alerts have not read yet is never deleted, however old.
/// </summary>
internal sealed partial class EventLogPruner(IServiceScopeFactory scopes, SettingsStore settings, TimeProvider time, ILogger<EventLogPruner> logger)
    : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromHours(1);

    /// <summary>Events deleted per transaction.</summary>
    public const int Batch = 5_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                await PruneGuardedAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Deletes every event past the retention; answers how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = settings.EventRetention.Cutoff(time.GetUtcNow());
        long unread;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // The cursor only moves forward: what it allows at the start of the pass stays allowed.
            unread = await AlertOutbox.CursorAsync(scope.ServiceProvider.GetRequiredService<CmsDbContext>(), cancellationToken).ConfigureAwait(false);
        }

        var deleted = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var oldest = await db.Events.AsNoTracking()
                .Where(e => e.Id <= unread)
                .OrderBy(e => e.Id)
                .Take(Batch)
                .Select(e => new { e.Id, e.At })
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            var expired = oldest.TakeWhile(e => e.At < cutoff).ToList();
            if (expired.Count == 0)
            {
                return deleted;
            }

            var (first, last) = (expired[0].Id, expired[^1].Id);
            deleted += await db.Events.Where(e => e.Id >= first && e.Id <= last).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            if (expired.Count < oldest.Count)
            {
                return deleted;
            }
        }
    }

    /// <summary>A failed pass (the database out of reach) is logged; the next hour tries again.</summary>
    private async Task PruneGuardedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await PruneAsync(cancellationToken).ConfigureAwait(false);
            if (deleted > 0)
            {
                LogPruned(logger, deleted, settings.EventRetention.Days);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 3901, Level = LogLevel.Information, Message = "Deleted {Count} event(s) older than the event log's retention of {Days} days")]
    private static partial void LogPruned(ILogger logger, int count, int days);

    [LoggerMessage(EventId = 3902, Level = LogLevel.Error, Message = "Deleting the events past the event log's retention failed; trying again in an hour")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

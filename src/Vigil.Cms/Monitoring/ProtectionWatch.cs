using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Domain.Status;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// Writes a <c>protection</c> event when a recording server loses its protection (its status becomes
/// <c>normal_unprotected</c> or <c>abnormal_unprotected</c>) or regains it, once the change has held for
/// <see cref="Hold"/>. Statuses are derived, never stored; these events are what the event log and the alerts
/// know of them. At start it remembers what the event log last said of each server, so a restart repeats nothing.
/// </summary>
internal sealed partial class ProtectionWatch(
    IServiceScopeFactory scopes, ServerDirectory directory, HealthBoard board, FailoverLedger ledger, SettingsStore settings, TimeProvider time,
    ILogger<ProtectionWatch> logger)
    : BackgroundService
{
    public static TimeSpan Hold { get; } = TimeSpan.FromSeconds(10);

    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(2);

    private readonly ProtectionTracker _tracker = new(Hold);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var remembered = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!remembered)
                {
                    await RememberAsync(stoppingToken).ConfigureAwait(false);
                    remembered = true;
                }

                await LookAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWatchFailed(logger, e);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RememberAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var said = await db.Events.AsNoTracking().Where(e => e.Kind == EventLog.ProtectionKind && e.ServerId != null)
            .OrderBy(e => e.Id).Select(e => new { e.ServerId, e.To }).ToListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var last in said.GroupBy(e => e.ServerId!.Value).Select(g => g.Last()))
        {
            _tracker.Remember(last.ServerId!.Value, last.To == EventLog.Protected);
        }
    }

    private async Task LookAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var inventory = await InventorySnapshot.ReadAsync(db, directory, cancellationToken).ConfigureAwait(false);
        var statuses = inventory.Statuses(new StatusDerivation(VigilVersion.Current, settings.Failover), board, ledger.Open);
        var protection = new Dictionary<int, bool>();
        foreach (var (id, status) in statuses)
        {
            if (status.Code is "normal_protected" or "abnormal_protected")
            {
                protection[id.Value] = true;
            }
            else if (status.Code is "normal_unprotected" or "abnormal_unprotected")
            {
                protection[id.Value] = false;
            }
        }

        var changes = _tracker.Observe(protection, time.GetUtcNow());
        var reported = new List<ProtectionChange>(changes.Count);
        foreach (var (id, isProtected) in changes)
        {
            var server = inventory.Find(new Domain.ServerId(id))!;
            var reason = statuses[new Domain.ServerId(id)].Detail;
            db.Events.Add(EventLog.Protection(id, server.Name, isProtected, reason, time.GetUtcNow()));
            reported.Add(new ProtectionChange(server.Name, isProtected, reason));
        }

        if (changes.Count > 0)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            ProtectionLog.Write(logger, reported);
        }
    }

    [LoggerMessage(EventId = 3109, Level = LogLevel.Error, Message = "The protection of the recording servers could not be checked this round")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception);
}

using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Alerts;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The event log's retention, on a real SQLite file under a fake clock: events past the setting are deleted at start
/// and at each hourly tick, in batches, never one the alerts have not read yet; a settings document from before the
/// setting existed keeps a year.
/// </summary>
public sealed class EventLogPrunerTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private InProcessCmsCore _core = null!;

    private ServiceProvider Services => _core.Services;

    private FakeTimeProvider Time => _core.Time;

    private SettingsStore Settings => Services.GetRequiredService<SettingsStore>();

    public async Task InitializeAsync() => _core = await InProcessCmsCore.StartAsync("pruner", new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    public async Task DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task Events_past_the_retention_go_at_start_and_at_each_hourly_tick_and_younger_ones_stay()
    {
        await KeepDaysAsync(30);
        await AddEventsAsync(("older than 30 days", TimeSpan.FromDays(40)), ("30 days old in half an hour", TimeSpan.FromDays(30) - TimeSpan.FromMinutes(30)),
            ("a day old", TimeSpan.FromDays(1)));

        using var pruner = new EventLogPruner(Services.GetRequiredService<IServiceScopeFactory>(), Settings, Time, NullLogger<EventLogPruner>.Instance);
        await pruner.StartAsync(CancellationToken.None);
        try
        {
            await Eventually.UntilAsync(async () => (await ReasonsAsync()).Count == 2, Deadline, "the pass at start to delete the oldest event");
            (await ReasonsAsync()).ShouldBe(["30 days old in half an hour", "a day old"]);

            Time.Advance(EventLogPruner.Interval);
            await Eventually.UntilAsync(async () => (await ReasonsAsync()).Count == 1, Deadline, "the hourly tick to delete the event that aged out");
            (await ReasonsAsync()).ShouldBe(["a day old"]);
        }
        finally
        {
            await pruner.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task An_event_the_alerts_have_not_read_is_kept_however_old()
    {
        await KeepDaysAsync(1);
        var ids = await AddEventsAsync(("read", TimeSpan.FromDays(10)), ("not read", TimeSpan.FromDays(9)), ("not read either", TimeSpan.FromDays(8)));
        await SetAlertCursorAsync(ids[0]);

        (await PruneAsync()).ShouldBe(1);

        (await ReasonsAsync()).ShouldBe(["not read", "not read either"]);
    }

    [Fact]
    public async Task More_than_a_batch_of_old_events_is_deleted_in_one_pass()
    {
        await KeepDaysAsync(7);
        var old = Enumerable.Range(0, EventLogPruner.Batch + 10).Select(i => (string.Create(CultureInfo.InvariantCulture, $"old {i}"), TimeSpan.FromDays(8)));
        await AddEventsAsync([.. old, ("new", TimeSpan.FromHours(1))]);

        (await PruneAsync()).ShouldBe(EventLogPruner.Batch + 10);

        (await ReasonsAsync()).ShouldBe(["new"]);
    }

    [Fact]
    public async Task Settings_saved_before_the_retention_existed_keep_events_a_year()
    {
        const string before = """{"automaticFailover":true,"probeIntervalMs":1000,"probeTimeoutMs":800,"missesBeforeFailure":3,"failureConditions":["unreachable"],"automaticFailback":true,"stabilisationSeconds":10,"restoreRecordings":true,"standbyMinimumFreeBytes":1000000000,"maxGroups":16,"maxServersPerGroup":64,"restoreBandwidthBytesPerSecond":0}""";
        await PutSettingsAsync(before);

        await Settings.LoadAsync(CancellationToken.None);

        Settings.EventRetention.Days.ShouldBe(365);
    }

    private Task<int> PruneAsync() =>
        new EventLogPruner(Services.GetRequiredService<IServiceScopeFactory>(), Settings, Time, NullLogger<EventLogPruner>.Instance).PruneAsync(CancellationToken.None);

    private async Task KeepDaysAsync(int days)
    {
        var view = Settings.View with { EventRetentionDays = days };
        await PutSettingsAsync(JsonSerializer.Serialize(view, ContractJson.Options));
        await Settings.LoadAsync(CancellationToken.None);
        Settings.EventRetention.Days.ShouldBe(days);
    }

    private async Task PutSettingsAsync(string json)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        await SettingsDocuments.PutAsync(db, "failover", json, CancellationToken.None);
        await db.SaveChangesAsync();
    }

    /// <summary>Writes operator events of the given ages, oldest first as the log would have; answers their ids.</summary>
    private async Task<List<long>> AddEventsAsync(params (string Reason, TimeSpan Age)[] events)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var rows = events.Select(e => EventLog.Operator(null, string.Empty, "test", e.Reason, "test", Time.GetUtcNow() - e.Age)).ToList();
        db.Events.AddRange(rows);
        await db.SaveChangesAsync();
        return rows.Select(r => r.Id).ToList();
    }

    private async Task SetAlertCursorAsync(long lastRead)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        await SettingsDocuments.PutAsync(db, AlertOutbox.CursorKey, lastRead.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
        await db.SaveChangesAsync();
    }

    private async Task<List<string>> ReasonsAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        return await db.Events.AsNoTracking().OrderBy(e => e.Id).Select(e => e.Reason).ToListAsync();
    }
}

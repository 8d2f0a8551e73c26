using Vigil.Cms.Inventory;
using Vigil.Domain;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Tests.Inventory;

public class SettingsMappingTests
{
    /// <summary>The operator sees the defaults in the API's units, every failure condition on, and saving that view unchanged changes nothing.</summary>
    [Fact]
    public void The_defaults_shown_to_the_operator_map_back_to_the_same_defaults()
    {
        var view = SettingsMapping.ToView(FailoverSettings.Default, InventoryLimits.Default, EventLogRetention.Default);

        view.ProbeIntervalMs.ShouldBe((int)FailoverSettings.Default.ProbeInterval.TotalMilliseconds);
        view.StabilisationSeconds.ShouldBe((int)FailoverSettings.Default.Health.StabilisationPeriod.TotalSeconds);
        view.FailureConditions.ShouldBe(["unreachable", "space_failure", "recording_service_failure"]);
        view.EventRetentionDays.ShouldBe(365);
        var (settings, limits, retention, refusals) = SettingsMapping.FromView(view);
        refusals.ShouldBeEmpty();
        settings.ShouldBe(FailoverSettings.Default);
        limits.ShouldBe(InventoryLimits.Default);
        retention.ShouldBe(EventLogRetention.Default);
    }

    [Fact]
    public void A_view_maps_back_to_the_same_settings()
    {
        var view = SettingsMapping.ToView(FailoverSettings.Default, InventoryLimits.Default, EventLogRetention.Default) with
        {
            ProbeIntervalMs = 500, ProbeTimeoutMs = 300, MissesBeforeFailure = 6, FailureConditions = ["unreachable", "recording_service_failure"],
            StabilisationSeconds = 30, MaxGroups = 4, RestoreBandwidthBytesPerSecond = 1_000_000, EventRetentionDays = 90,
        };

        var (settings, limits, retention, refusals) = SettingsMapping.FromView(view);

        refusals.ShouldBeEmpty();
        settings.ProbeInterval.ShouldBe(TimeSpan.FromMilliseconds(500));
        settings.Health.MissesBeforeFailure.ShouldBe(6);
        settings.Health.Conditions.ShouldBe(FailureConditions.Unreachable | FailureConditions.RecordingServiceFailure);
        settings.Health.StabilisationPeriod.ShouldBe(TimeSpan.FromSeconds(30));
        limits.MaxGroups.ShouldBe(4);
        settings.RestoreBandwidthBytesPerSecond.ShouldBe(1_000_000);
        retention.Days.ShouldBe(90);
        SettingsMapping.ToView(settings, limits, retention).EventRetentionDays.ShouldBe(90);
        SettingsMapping.ToView(settings, limits, retention).FailureConditions.ShouldBe(view.FailureConditions);
    }

    [Fact]
    public void Every_broken_rule_is_reported_not_only_the_first()
    {
        var view = SettingsMapping.ToView(FailoverSettings.Default, InventoryLimits.Default, EventLogRetention.Default) with
        {
            ProbeIntervalMs = 50, MissesBeforeFailure = 0, FailureConditions = ["space_failure", "smoke"], MaxServersPerGroup = 1, EventRetentionDays = 0,
        };

        var refusals = SettingsMapping.FromView(view).Refusals.Select(r => r.Rule).ToList();

        refusals.ShouldContain("settings.probe-interval");
        refusals.ShouldContain("settings.probe-misses");
        refusals.ShouldContain("settings.max-servers-per-group");
        refusals.ShouldContain("settings.event-retention");
        refusals.Count(r => r == "settings.failure-conditions").ShouldBe(2, "an unknown condition, and unreachable left out");
    }
}

namespace Vigil.Domain.Tests;

public class FailoverSettingsTests
{
    [Fact]
    public void Defaults_follow_the_spec()
    {
        var settings = FailoverSettings.Default;

        settings.AutomaticFailover.ShouldBeTrue();
        settings.ProbeInterval.ShouldBe(TimeSpan.FromSeconds(1));
        settings.Health.MissesBeforeFailure.ShouldBe(3);
        settings.AutomaticFailback.ShouldBeTrue();
        settings.Health.StabilisationPeriod.ShouldBe(TimeSpan.FromSeconds(10));
        settings.RestoreRecordings.ShouldBeTrue();
        settings.DetectionWindow.ShouldBe(TimeSpan.FromSeconds(3));
        settings.Validate().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(50)]
    [InlineData(61_000)]
    public void Refuses_a_probe_interval_out_of_range(int milliseconds) =>
        (FailoverSettings.Default with { ProbeInterval = TimeSpan.FromMilliseconds(milliseconds), ProbeTimeout = TimeSpan.FromMilliseconds(40) })
            .Validate().ShouldContain(r => r.Rule == "settings.probe-interval");

    [Fact]
    public void Refuses_a_probe_timeout_longer_than_the_interval() =>
        (FailoverSettings.Default with { ProbeTimeout = TimeSpan.FromSeconds(2) }).Validate().Single().Rule
            .ShouldBe("settings.probe-timeout");

    [Fact]
    public void Reports_health_policy_problems_too() =>
        (FailoverSettings.Default with { Health = FailoverSettings.Default.Health with { MissesBeforeFailure = 0 } })
            .Validate().Single().Rule.ShouldBe("settings.probe-misses");

    [Fact]
    public void Refuses_a_negative_minimum_free_space() =>
        (FailoverSettings.Default with { StandbyMinimumFreeBytes = -1 }).Validate().Single().Rule
            .ShouldBe("settings.standby-minimum-free");

    [Fact]
    public void Restores_at_full_speed_by_default_and_refuses_a_negative_bandwidth_limit()
    {
        FailoverSettings.Default.RestoreBandwidthBytesPerSecond.ShouldBe(0);
        (FailoverSettings.Default with { RestoreBandwidthBytesPerSecond = -1 }).Validate().Single().Rule.ShouldBe("settings.restore-bandwidth");
    }
}

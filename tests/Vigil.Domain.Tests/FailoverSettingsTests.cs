using Vigil.Domain.Health;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests;

public class FailoverSettingsTests
{
    /// <summary>
    /// What the defaults do, not what they are: probed at the default interval under a fake clock, a server that goes
    /// silent is failed 3 s later on the third miss and no sooner, and after it answers again failback may begin once it
    /// has answered for 10 s in a row. Failover, failback and the restore are automatic, at full speed.
    /// </summary>
    [Fact]
    public void Defaults_fail_a_silent_server_within_3_s_and_let_it_fail_back_after_10_s_of_answers()
    {
        var settings = FailoverSettings.Default;
        settings.Validate().ShouldBeEmpty();
        var clock = TestClock.New();
        var tracker = new HealthTracker(settings.Health, clock);
        var silentAt = clock.GetUtcNow();
        DateTimeOffset? failedAt = null;
        while (failedAt is null)
        {
            clock.Advance(settings.ProbeInterval);
            if (tracker.Observe(ProbeResult.Unreachable) is { To: HealthState.Failed } change)
            {
                failedAt = change.At;
            }
        }

        (failedAt.Value - silentAt).ShouldBe(TimeSpan.FromSeconds(3));
        settings.DetectionWindow.ShouldBe(failedAt.Value - silentAt);

        var answersFrom = clock.GetUtcNow() + settings.ProbeInterval;
        while (tracker.State != HealthState.Recovered)
        {
            clock.Advance(settings.ProbeInterval);
            tracker.Observe(ProbeResult.Ok);
        }

        (clock.GetUtcNow() - answersFrom).ShouldBe(TimeSpan.FromSeconds(10));
        (settings.AutomaticFailover, settings.AutomaticFailback, settings.RestoreRecordings).ShouldBe((true, true, true));
        settings.ProbeTimeout.ShouldBeLessThan(settings.ProbeInterval, "a probe ends before the next one starts");
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

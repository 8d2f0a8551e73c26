using Vigil.Domain.Clock;

namespace Vigil.Domain.Tests.Clock;

public class ClockDriftTests
{
    private static ClockReading Off(double seconds, double uncertainty = 0.01) =>
        new(TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(uncertainty));

    [Fact]
    public void A_clock_surely_more_than_two_seconds_off_drifts_and_the_change_is_said_once()
    {
        var drift = new ClockDrift();
        drift.Observe(Off(0.3)).ShouldBeFalse();
        drift.Observe(Off(-2.5)).ShouldBeTrue();
        drift.Drifting.ShouldBeTrue();
        drift.Observe(Off(-2.6)).ShouldBeFalse("still drifting: nothing new to say");
        drift.Last!.Value.Offset.ShouldBe(TimeSpan.FromSeconds(-2.6));
    }

    [Fact]
    public void A_slow_round_trip_never_raises_a_drift()
    {
        var drift = new ClockDrift();
        drift.Observe(Off(2.4, uncertainty: 0.5)).ShouldBeFalse("it may be 1.9 s off");
        drift.Drifting.ShouldBeFalse();
    }

    [Fact]
    public void A_drift_ends_only_once_the_clock_is_surely_within_one_second()
    {
        var drift = new ClockDrift();
        drift.Observe(Off(5)).ShouldBeTrue();
        drift.Observe(Off(1.8)).ShouldBeFalse("below the limit but not back in step: no flapping at the edge");
        drift.Observe(Off(0.95, uncertainty: 0.1)).ShouldBeFalse("it may still be 1.05 s off");
        drift.Observe(Off(0.2)).ShouldBeTrue();
        drift.Drifting.ShouldBeFalse();
    }
}

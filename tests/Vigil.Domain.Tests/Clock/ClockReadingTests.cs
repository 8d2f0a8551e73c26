using Vigil.Domain.Clock;

namespace Vigil.Domain.Tests.Clock;

public class ClockReadingTests
{
    private static readonly DateTimeOffset Sent = new(2026, 12, 2, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_offset_is_measured_against_the_middle_of_the_round_trip()
    {
        // The agent stamped 10:00:03.100; the probe took 200 ms, so the CMS's clock read 00.100 at the midpoint.
        var reading = ClockReading.From(Sent, Sent.AddMilliseconds(200), Sent.AddMilliseconds(3100));

        reading.Offset.ShouldBe(TimeSpan.FromSeconds(3));
        reading.Uncertainty.ShouldBe(TimeSpan.FromMilliseconds(100));
        reading.AtLeast.ShouldBe(TimeSpan.FromMilliseconds(2900));
        reading.AtMost.ShouldBe(TimeSpan.FromMilliseconds(3100));
    }

    [Fact]
    public void A_clock_behind_has_a_negative_offset_and_a_small_one_may_be_nothing_at_all()
    {
        var behind = ClockReading.From(Sent, Sent.AddMilliseconds(40), Sent.AddSeconds(-5));
        behind.Offset.ShouldBe(TimeSpan.FromMilliseconds(-5020));

        var hidden = ClockReading.From(Sent, Sent.AddSeconds(1), Sent.AddMilliseconds(700));
        hidden.AtLeast.ShouldBe(TimeSpan.Zero, "200 ms off with 500 ms uncertainty may be in step");
    }

    [Fact]
    public void A_cms_clock_that_stepped_back_during_the_probe_counts_no_round_trip() =>
        ClockReading.From(Sent, Sent.AddSeconds(-1), Sent).Uncertainty.ShouldBe(TimeSpan.Zero);
}

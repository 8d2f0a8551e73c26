using Vigil.Cms.Monitoring;

namespace Vigil.Cms.Tests.Monitoring;

public sealed class OverloadTrackerTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private readonly OverloadTracker _tracker = new();

    [Fact]
    public void One_round_two_intervals_late_is_an_overload()
    {
        _tracker.Observe(TimeSpan.FromMilliseconds(20), Interval).ShouldBeFalse();
        _tracker.Observe(TimeSpan.FromSeconds(2), Interval).ShouldBeTrue();
        _tracker.IsOverloaded.ShouldBeTrue();
        _tracker.Observe(TimeSpan.FromSeconds(3), Interval).ShouldBeFalse("said once");
    }

    [Fact]
    public void Three_rounds_in_a_row_an_interval_late_are_an_overload_two_are_not()
    {
        _tracker.Observe(TimeSpan.FromSeconds(1.2), Interval).ShouldBeFalse();
        _tracker.Observe(TimeSpan.FromSeconds(1.2), Interval).ShouldBeFalse();
        _tracker.Observe(TimeSpan.FromMilliseconds(10), Interval).ShouldBeFalse();
        _tracker.Observe(TimeSpan.FromSeconds(1.2), Interval).ShouldBeFalse();
        _tracker.Observe(TimeSpan.FromSeconds(1.2), Interval).ShouldBeFalse();
        _tracker.Observe(TimeSpan.FromSeconds(1.2), Interval).ShouldBeTrue();
    }

    [Fact]
    public void Ten_rounds_in_a_row_on_time_end_it()
    {
        _tracker.Observe(TimeSpan.FromSeconds(5), Interval).ShouldBeTrue();
        for (var round = 1; round < OverloadTracker.OnTimeRoundsToRecover; round++)
        {
            _tracker.Observe(TimeSpan.FromMilliseconds(100), Interval).ShouldBeFalse($"round {round}");
        }

        _tracker.Observe(TimeSpan.FromMilliseconds(600), Interval).ShouldBeFalse("more than half an interval late starts the count again");
        for (var round = 1; round < OverloadTracker.OnTimeRoundsToRecover; round++)
        {
            _tracker.Observe(TimeSpan.FromMilliseconds(100), Interval).ShouldBeFalse();
        }

        _tracker.Observe(TimeSpan.FromMilliseconds(100), Interval).ShouldBeTrue();
        _tracker.IsOverloaded.ShouldBeFalse();
    }
}

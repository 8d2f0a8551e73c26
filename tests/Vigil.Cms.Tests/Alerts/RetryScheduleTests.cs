using Vigil.Cms.Alerts;

namespace Vigil.Cms.Tests.Alerts;

public sealed class RetryScheduleTests
{
    [Fact]
    public void Retries_start_soon_spread_out_and_end_after_about_eight_hours()
    {
        RetrySchedule.After(1).ShouldBe(TimeSpan.FromSeconds(5));
        var waits = Enumerable.Range(1, RetrySchedule.MaxAttempts - 1).Select(a => RetrySchedule.After(a)!.Value).ToList();
        waits.ShouldBeInOrder(SortDirection.Ascending);
        waits.Aggregate(TimeSpan.Zero, (sum, wait) => sum + wait).TotalHours.ShouldBeInRange(7, 9);
        RetrySchedule.After(RetrySchedule.MaxAttempts).ShouldBeNull();
        RetrySchedule.After(0).ShouldBeNull();
    }
}

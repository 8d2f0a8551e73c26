namespace Vigil.Domain.Tests;

public class EventLogRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void By_default_an_event_is_kept_a_year_and_not_a_moment_more()
    {
        var cutoff = EventLogRetention.Default.Cutoff(Now);

        EventLogRetention.Default.Validate().ShouldBeEmpty();
        cutoff.ShouldBe(Now.AddDays(-365));
        (Now.AddDays(-365).AddSeconds(1) < cutoff).ShouldBeFalse("an event younger than a year is kept");
        (Now.AddDays(-365).AddSeconds(-1) < cutoff).ShouldBeTrue("an event older than a year is past the retention");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(EventLogRetention.MaxDays + 1)]
    public void A_retention_outside_one_day_to_ten_years_is_refused(int days) =>
        new EventLogRetention(days).Validate().Single().Rule.ShouldBe("settings.event-retention");

    [Theory]
    [InlineData(1)]
    [InlineData(EventLogRetention.MaxDays)]
    public void One_day_and_ten_years_are_allowed(int days) => new EventLogRetention(days).Validate().ShouldBeEmpty();
}

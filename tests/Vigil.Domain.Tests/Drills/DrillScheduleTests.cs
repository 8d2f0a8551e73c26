using Microsoft.Extensions.Time.Testing;
using Vigil.Domain.Drills;

namespace Vigil.Domain.Tests.Drills;

public class DrillScheduleTests
{
    // A Thursday.
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("off", "off")]
    [InlineData("", "off")]
    [InlineData("weekly sun 03:00", "weekly sun 03:00")]
    [InlineData("Weekly Sunday 3:05", "weekly sun 03:05")]
    [InlineData("every 1 day 23:59", "every 1 day 23:59")]
    [InlineData("every 7 days 03:00", "every 7 days 03:00")]
    public void Reads_and_writes_its_text(string text, string written) =>
        DrillSchedule.Parse(text).Schedule!.ToString().ShouldBe(written);

    [Theory]
    [InlineData("weekly")]
    [InlineData("weekly xyz 03:00")]
    [InlineData("weekly sun 25:00")]
    [InlineData("every 0 days 03:00")]
    [InlineData("every 400 days 03:00")]
    [InlineData("daily")]
    public void Refuses_what_it_cannot_read(string text) =>
        DrillSchedule.Parse(text).Refusal!.Rule.ShouldBe(DrillSchedule.Rule);

    [Fact]
    public void Off_is_never_due() => DrillSchedule.Off.NextAfter(Start).ShouldBeNull();

    [Fact]
    public void Weekly_is_due_on_its_day_and_time_and_then_a_week_later()
    {
        var clock = new FakeTimeProvider(Start);
        var schedule = DrillSchedule.Parse("weekly sun 03:00").Schedule!;

        var first = schedule.NextAfter(clock.GetUtcNow())!.Value;
        first.ShouldBe(new DateTimeOffset(2026, 1, 4, 3, 0, 0, TimeSpan.Zero));
        clock.Advance(first - clock.GetUtcNow());
        schedule.NextAfter(clock.GetUtcNow()).ShouldBe(first.AddDays(7), "the time it is due is not due again");
        schedule.NextAfter(first.AddSeconds(-1)).ShouldBe(first);
    }

    [Fact]
    public void Today_is_due_when_its_time_is_still_ahead()
    {
        var clock = new FakeTimeProvider(Start);

        DrillSchedule.Parse("weekly thu 12:30").Schedule!.NextAfter(clock.GetUtcNow()).ShouldBe(Start.AddMinutes(30));
        DrillSchedule.Parse("every 1 day 11:00").Schedule!.NextAfter(clock.GetUtcNow()).ShouldBe(Start.AddHours(23));
    }

    [Fact]
    public void An_interval_keeps_its_days_whenever_it_is_asked()
    {
        var clock = new FakeTimeProvider(Start);
        var schedule = DrillSchedule.Parse("every 3 days 04:00").Schedule!;
        var due = new List<DateTimeOffset>();
        for (var i = 0; i < 4; i++)
        {
            var next = schedule.NextAfter(clock.GetUtcNow())!.Value;
            due.Add(next);
            clock.Advance(next - clock.GetUtcNow());
        }

        due.Zip(due.Skip(1), (a, b) => b - a).ShouldAllBe(d => d == TimeSpan.FromDays(3));
        (DateOnly.FromDateTime(due[0].UtcDateTime).DayNumber % 3).ShouldBe(DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber % 3,
            "counted from 1970-01-01, so a restart never moves the days");
        schedule.NextAfter(Start.AddHours(5)).ShouldBe(due[0], "asked again later the same day, the same day is due");
    }

    [Fact]
    public void Settings_refuse_thresholds_out_of_range()
    {
        DrillSettings.Default.Validate().ShouldBeEmpty();
        (DrillSettings.Default with { Hold = TimeSpan.Zero }).Validate().Single().Rule.ShouldBe("settings.drill-hold");
        (DrillSettings.Default with { MaxTakeover = TimeSpan.Zero }).Validate().Single().Rule.ShouldBe("settings.drill-max-takeover");
        (DrillSettings.Default with { MaxGap = TimeSpan.FromDays(1) }).Validate().Single().Rule.ShouldBe("settings.drill-max-gap");
    }

    [Fact]
    public void A_round_drills_the_chosen_servers_or_every_one_in_turn()
    {
        ServerId[] all = [new(3), new(1), new(2)];

        DrillRotation.Round(all, []).ShouldBe([new ServerId(1), new ServerId(2), new ServerId(3)]);
        DrillRotation.Round(all, [new ServerId(2), new ServerId(9), new ServerId(2)]).ShouldBe([new ServerId(2)], "a server no longer there is skipped");
    }
}

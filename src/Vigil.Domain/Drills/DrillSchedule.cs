using System.Globalization;

namespace Vigil.Domain.Drills;

/// <summary>
/// When scheduled drills are due, in UTC: never (<c>off</c>), once a week (<c>weekly sun 03:00</c>), or every N days
/// (<c>every 7 days 03:00</c>, counted from 1970-01-01 so the days do not move when the CMS restarts). Written and read
/// as that text, so the API, the CLI and the console share one form.
/// </summary>
public sealed record DrillSchedule
{
    public const string Rule = "settings.drill-schedule";

    private static readonly string[] Days = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private DrillSchedule(DayOfWeek? day, int intervalDays, TimeOnly at)
    {
        Day = day;
        IntervalDays = intervalDays;
        At = at;
    }

    public static DrillSchedule Off { get; } = new(null, 0, TimeOnly.MinValue);

    /// <summary>The day of the week of a weekly schedule.</summary>
    public DayOfWeek? Day { get; }

    /// <summary>The days between drills of an interval schedule; 0 otherwise.</summary>
    public int IntervalDays { get; }

    /// <summary>The time of day (UTC) drills are due.</summary>
    public TimeOnly At { get; }

    public bool IsOff => Day is null && IntervalDays == 0;

    public static DrillSchedule Weekly(DayOfWeek day, TimeOnly at) => new(day, 0, at);

    public static DrillSchedule Every(int days, TimeOnly at) =>
        days is >= 1 and <= 365 ? new(null, days, at) : throw new ArgumentOutOfRangeException(nameof(days), "1 to 365 days.");

    /// <summary>Reads <c>off</c>, <c>weekly DAY HH:MM</c> or <c>every N days HH:MM</c>; a refusal says what is wrong.</summary>
    public static (DrillSchedule? Schedule, Refusal? Refusal) Parse(string? text)
    {
        var words = (text ?? string.Empty).Trim().ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var refusal = new Refusal(Rule, $"'{text}' is not a drill schedule: write off, weekly DAY HH:MM (UTC, DAY one of {string.Join(", ", Days)}) or every N days HH:MM (UTC).");
        switch (words)
        {
            case [] or ["off"]:
                return (Off, null);
            case ["weekly", var day, var time] when Array.IndexOf(Days, day.Length >= 3 ? day[..3] : day) is >= 0 and var index && TryTime(time, out var at):
                return (Weekly((DayOfWeek)index, at), null);
            case ["every", var count, "day" or "days", var time]
                when int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days is >= 1 and <= 365 && TryTime(time, out var at):
                return (Every(days, at), null);
            default:
                return (null, refusal);
        }
    }

    /// <summary>The first due time strictly after <paramref name="after"/>; null when off.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        if (IsOff)
        {
            return null;
        }

        var utc = after.ToUniversalTime();
        var candidate = new DateTimeOffset(DateOnly.FromDateTime(utc.UtcDateTime).ToDateTime(At), TimeSpan.Zero);
        while (candidate <= utc || !IsDrillDay(candidate))
        {
            candidate = candidate.AddDays(1);
        }

        return candidate;
    }

    public override string ToString() => this switch
    {
        { IsOff: true } => "off",
        { Day: { } day } => string.Create(CultureInfo.InvariantCulture, $"weekly {Days[(int)day]} {At:HH\\:mm}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"every {IntervalDays} {(IntervalDays == 1 ? "day" : "days")} {At:HH\\:mm}"),
    };

    private bool IsDrillDay(DateTimeOffset day) => Day is { } weekday
        ? day.DayOfWeek == weekday
        : DateOnly.FromDateTime(day.UtcDateTime).DayNumber % IntervalDays == DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber % IntervalDays;

    private static bool TryTime(string text, out TimeOnly at) =>
        TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out at);
}

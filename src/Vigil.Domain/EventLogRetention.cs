namespace Vigil.Domain;

/// <summary>
/// How long the CMS keeps its event log (docs/operations.md, "The event log's retention"). A site of thousands of servers writes
/// events every day for ever; without a bound the log, and every query over it, only grows. A year by default: long
/// enough for an audit of last year's incidents, and an operator may keep up to ten.
/// </summary>
public sealed record EventLogRetention(int Days = EventLogRetention.DefaultDays)
{
    public const int DefaultDays = 365;
    public const int MaxDays = 3650;

    public static EventLogRetention Default { get; } = new();

    /// <summary>Events stamped before this are past the retention and may be deleted.</summary>
    public DateTimeOffset Cutoff(DateTimeOffset now) => now - TimeSpan.FromDays(Days);

    public IReadOnlyList<Refusal> Validate() => Days is < 1 or > MaxDays
        ? [new Refusal("settings.event-retention", $"Events are kept between 1 and {MaxDays} days.")]
        : [];
}

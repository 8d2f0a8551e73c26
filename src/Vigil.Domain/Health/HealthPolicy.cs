namespace Vigil.Domain.Health;

/// <summary>
/// How probe results become a health verdict: a server fails after <see cref="MissesBeforeFailure"/>
/// failed probes in a row, and counts as recovered once probes have succeeded without a single miss
/// for <see cref="StabilisationPeriod"/>. Both thresholds are what stop a flapping server from
/// triggering takeovers and failbacks.
/// </summary>
public sealed record HealthPolicy
{
    public const int MaxMisses = 100;

    public static TimeSpan MaxStabilisationPeriod { get; } = TimeSpan.FromHours(24);

    public static HealthPolicy Default { get; } = new();

    public int MissesBeforeFailure { get; init; } = 3;

    public TimeSpan StabilisationPeriod { get; init; } = TimeSpan.FromSeconds(10);

    public FailureConditions Conditions { get; init; } = FailureConditions.All;

    /// <summary>Whether a probe with this outcome counts as a miss under this policy.</summary>
    public bool IsMiss(ProbeOutcome outcome) => outcome switch
    {
        ProbeOutcome.Ok => false,
        ProbeOutcome.Unreachable => true,
        ProbeOutcome.SpaceFailure => Conditions.HasFlag(FailureConditions.SpaceFailure),
        ProbeOutcome.RecordingServiceFailure => Conditions.HasFlag(FailureConditions.RecordingServiceFailure),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Unknown probe outcome."),
    };

    public IReadOnlyList<Refusal> Validate()
    {
        var refusals = new List<Refusal>();
        if (MissesBeforeFailure is < 1 or > MaxMisses)
        {
            refusals.Add(new Refusal("settings.probe-misses", $"Misses before failure must be between 1 and {MaxMisses}."));
        }

        if (StabilisationPeriod < TimeSpan.Zero || StabilisationPeriod > MaxStabilisationPeriod)
        {
            refusals.Add(new Refusal("settings.stabilisation-period", "The stabilisation period must be between 0 and 24 hours."));
        }

        if (!Conditions.HasFlag(FailureConditions.Unreachable) || (Conditions & ~FailureConditions.All) != 0)
        {
            refusals.Add(new Refusal("settings.failure-conditions",
                "An unreachable server always counts as failed; the other conditions are space-failure and recording-service-failure."));
        }

        return refusals;
    }
}

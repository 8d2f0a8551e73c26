namespace Vigil.Domain.Drills;

/// <summary>How a failover drill runs and what it must prove, with their defaults (docs/operations.md).</summary>
public sealed record DrillSettings
{
    public static DrillSettings Default { get; } = new();

    /// <summary>How long the standby records before the drill fails back: long enough for real footage to restore.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest a takeover may take, from the drill's start to the failover being active.</summary>
    public TimeSpan MaxTakeover { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest camera-time gap a camera may show, in the standby's footage or the original's own.</summary>
    public TimeSpan MaxGap { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>When drills run by themselves; <see cref="DrillSchedule.Off"/> by default.</summary>
    public DrillSchedule Schedule { get; init; } = DrillSchedule.Off;

    /// <summary>The recording servers the schedule drills, by id; empty is every recording server in turn.</summary>
    public IReadOnlyList<ServerId> ScheduledServers { get; init; } = [];

    public IReadOnlyList<Refusal> Validate()
    {
        var refusals = new List<Refusal>();
        if (Hold < TimeSpan.FromSeconds(1) || Hold > TimeSpan.FromHours(1))
        {
            refusals.Add(new Refusal("settings.drill-hold", "A drill holds the failover for 1 second to 1 hour."));
        }

        if (MaxTakeover <= TimeSpan.Zero || MaxTakeover > TimeSpan.FromHours(1))
        {
            refusals.Add(new Refusal("settings.drill-max-takeover", "The takeover threshold is above 0 and at most 1 hour."));
        }

        if (MaxGap <= TimeSpan.Zero || MaxGap > TimeSpan.FromHours(1))
        {
            refusals.Add(new Refusal("settings.drill-max-gap", "The gap threshold is above 0 and at most 1 hour."));
        }

        return refusals;
    }
}

namespace Vigil.Domain.Health;

/// <summary>What one probe of an agent found.</summary>
public enum ProbeOutcome
{
    /// <summary>The agent answered and reports that it records.</summary>
    Ok,

    /// <summary>No answer within the probe timeout.</summary>
    Unreachable,

    /// <summary>The agent answered, but a recording space is missing, not writable or full.</summary>
    SpaceFailure,

    /// <summary>The agent answered, but cannot record its cameras (a dead camera on its own is not this).</summary>
    RecordingServiceFailure,
}

/// <summary>The failures that count against a server; an unreachable server always counts.</summary>
[Flags]
public enum FailureConditions
{
    Unreachable = 1,
    SpaceFailure = 2,
    RecordingServiceFailure = 4,
    All = Unreachable | SpaceFailure | RecordingServiceFailure,
}

public sealed record ProbeResult(ProbeOutcome Outcome, string? Detail = null)
{
    public static ProbeResult Ok { get; } = new(ProbeOutcome.Ok);

    public static ProbeResult Unreachable { get; } = new(ProbeOutcome.Unreachable, "no answer within the probe timeout");
}

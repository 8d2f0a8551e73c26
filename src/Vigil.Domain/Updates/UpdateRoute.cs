namespace Vigil.Domain.Updates;

/// <summary>How a server is updated.</summary>
public enum UpdateRoute
{
    /// <summary>A recording server hands its cameras to a standby first and takes them back after: no camera time is lost.</summary>
    Rolling,

    /// <summary>The agent is updated where it stands: a standby, or a recording server nobody could protect (its recording pauses while it restarts).</summary>
    InPlace,
}

namespace Vigil.Domain.Updates;

/// <summary>Where one server's update stands. Every step is stored, so a CMS that restarts carries the update on from it.</summary>
public enum UpdateStep
{
    /// <summary>Waiting for its turn: one server per group at a time, a standby only while it protects nobody.</summary>
    Queued,

    /// <summary>The package is fetched from the online feed and verified.</summary>
    Downloading,

    /// <summary>Rolling: a standby takes the server's cameras over (a planned failover) before anything changes on it.</summary>
    HandingOver,

    /// <summary>The agent receives, verifies and installs the package, restarts into it and checks its health.</summary>
    Updating,

    /// <summary>Rolling: the updated server records again, the standby stops, the footage it recorded comes home.</summary>
    HandingBack,

    /// <summary>The server runs the new version.</summary>
    Done,

    /// <summary>The new version failed its health check; the agent went back to the previous one by itself.</summary>
    RolledBack,

    /// <summary>The update could not be done; the server runs the version it ran before.</summary>
    Failed,
}

public static class UpdateSteps
{
    public static bool IsFinal(this UpdateStep step) => step is UpdateStep.Done or UpdateStep.RolledBack or UpdateStep.Failed;

    /// <summary>The API and console name: <c>queued</c>, <c>downloading</c>, <c>handing_over</c>, …</summary>
    public static string Code(this UpdateStep step) => step switch
    {
        UpdateStep.Queued => "queued",
        UpdateStep.Downloading => "downloading",
        UpdateStep.HandingOver => "handing_over",
        UpdateStep.Updating => "updating",
        UpdateStep.HandingBack => "handing_back",
        UpdateStep.Done => "done",
        UpdateStep.RolledBack => "rolled_back",
        UpdateStep.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown update step."),
    };

    public static UpdateStep Parse(string code)
    {
        foreach (var step in Enum.GetValues<UpdateStep>())
        {
            if (step.Code() == code)
            {
                return step;
            }
        }

        throw new ArgumentException($"'{code}' is not an update step.", nameof(code));
    }
}

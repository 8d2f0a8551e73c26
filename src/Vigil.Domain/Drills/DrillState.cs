namespace Vigil.Domain.Drills;

/// <summary>Where a drill is, and how it ended.</summary>
public enum DrillState
{
    /// <summary>Failing over, holding, failing back or waiting for the restore.</summary>
    Running,

    /// <summary>Ended, and every measurement is within its threshold.</summary>
    Passed,

    /// <summary>Ended, and at least one measurement is not (the reasons say which).</summary>
    Failed,

    /// <summary>Stopped early: the server really failed, or an operator acted on the failover; the engine has it now.</summary>
    Aborted,

    /// <summary>The CMS restarted during the drill.</summary>
    Interrupted,
}

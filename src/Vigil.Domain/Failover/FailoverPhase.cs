namespace Vigil.Domain.Failover;

/// <summary>Where a failover episode is. Every phase is persisted before the CMS acts on it.</summary>
public enum FailoverPhase
{
    /// <summary>The recording server has failed (or an operator asked to fail it over); nothing chosen yet.</summary>
    Detected,

    /// <summary>Waiting for a standby: none could be chosen yet, or the chosen one failed.</summary>
    Assigning,

    /// <summary>A standby was sent the server's configuration and is starting to record.</summary>
    TakingOver,

    /// <summary>The standby records the server's cameras.</summary>
    Active,

    /// <summary>The original is back: it records again first, then the standby is released (make before break).</summary>
    FailingBack,

    /// <summary>The footage recorded during the failover is being copied to the recording server.</summary>
    Restoring,

    /// <summary>The failover footage is being removed from the standbys that hold it.</summary>
    Cleaning,

    /// <summary>Ended normally (see <see cref="FailoverResolution"/>).</summary>
    Completed,

    /// <summary>Ended by an operator stopping the failover; its footage on the standby was removed.</summary>
    Stopped,

    /// <summary>Ended because a step can never succeed.</summary>
    Failed,

    /// <summary>Ended because its group was deleted.</summary>
    Interrupted,
}

/// <summary>Who started an episode. A manual failover waits for a manual failback.</summary>
public enum FailoverOrigin
{
    Automatic,
    Manual,
}

/// <summary>How a completed episode ended.</summary>
public enum FailoverResolution
{
    /// <summary>Still running, or ended without completing.</summary>
    None,

    /// <summary>The original came back before any standby took it over.</summary>
    RecoveredUnprotected,

    /// <summary>Failed back; restore was off, so the failover footage was discarded.</summary>
    FailedBack,

    /// <summary>Failed back and every failover recording was copied home.</summary>
    Restored,

    /// <summary>Failed back; an operator stopped the restore and the rest was removed.</summary>
    RestoreStopped,

    /// <summary>The acting standby became the recording server.</summary>
    ReplacedByStandby,

    /// <summary>Another recording server took the original's place.</summary>
    ReplacedByServer,
}

/// <summary>What the orchestrator must do next for an episode; derived from its persisted state.</summary>
public enum FailoverStep
{
    None,
    ChooseStandby,
    StartTakeover,
    AwaitRecovery,
    ResumeOriginal,
    ReleaseStandby,
    CopyFootage,
    RemoveFootage,
}

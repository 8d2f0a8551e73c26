namespace Vigil.Domain.Failover;

/// <summary>
/// One takeover of a recording server and everything until it ends: the persisted state the
/// <see cref="FailoverStateMachine"/> moves from phase to phase. The CMS stores it before acting, so
/// after a crash <see cref="NextStep"/> says what to do again (every step is idempotent).
/// </summary>
/// <param name="RecordingServer">The server being protected (the replacement, after a replace).</param>
/// <param name="Standby">The standby recording for it now, or chosen to.</param>
/// <param name="Epoch">The epoch of the newest takeover command of this episode.</param>
/// <param name="FootageOn">Every standby that was sent a takeover in this episode, so may hold its footage.</param>
/// <param name="FailedStandbys">Standbys that failed to take over in this episode; not chosen again.</param>
/// <param name="OriginalRecording">While failing back: the recording server records its cameras again.</param>
/// <param name="EndsAs">While cleaning: the phase the episode ends in once the footage is removed.</param>
/// <param name="Note">Why the episode is where it is (the reason of the last transition).</param>
public sealed record FailoverEpisode(
    EpisodeId Id,
    ServerId RecordingServer,
    GroupId Group,
    FailoverOrigin Origin,
    FailoverPhase Phase,
    Epoch Epoch,
    ServerId? Standby,
    IReadOnlyList<ServerId> FootageOn,
    IReadOnlyList<ServerId> FailedStandbys,
    bool OriginalRecording,
    RestoreProgress Restore,
    FailoverPhase? EndsAs,
    FailoverResolution Resolution,
    EpisodeNote Note,
    DateTimeOffset StartedAt,
    DateTimeOffset PhaseSince)
{
    /// <summary>
    /// The key the standbys record this episode's footage under, unique across every CMS database the agents ever
    /// obeyed; the CMS gives it when it stores the episode (empty until then).
    /// </summary>
    public string FootageKey { get; init; } = "";

    public bool IsOpen => Phase is not (FailoverPhase.Completed or FailoverPhase.Stopped or FailoverPhase.Failed or FailoverPhase.Interrupted);

    /// <summary>A standby records the server's cameras instead of it (the server is <c>abnormal_protected</c>).</summary>
    public bool StandbyRecordsInstead =>
        Phase is FailoverPhase.TakingOver or FailoverPhase.Active
        || (Phase == FailoverPhase.FailingBack && !OriginalRecording && Standby is not null);

    /// <summary>The standby is busy with this episode (it is <c>normal_protecting</c>).</summary>
    public bool Occupies(ServerId standby) =>
        IsOpen && Phase is not (FailoverPhase.Detected or FailoverPhase.Assigning)
        && (Standby == standby || (Phase is FailoverPhase.Restoring or FailoverPhase.Cleaning && FootageOn.Contains(standby)));

    public FailoverStep NextStep => Phase switch
    {
        FailoverPhase.Detected or FailoverPhase.Assigning => FailoverStep.ChooseStandby,
        FailoverPhase.TakingOver => FailoverStep.StartTakeover,
        FailoverPhase.Active => FailoverStep.AwaitRecovery,
        FailoverPhase.FailingBack => OriginalRecording ? FailoverStep.ReleaseStandby : FailoverStep.ResumeOriginal,
        FailoverPhase.Restoring => FailoverStep.CopyFootage,
        FailoverPhase.Cleaning => FailoverStep.RemoveFootage,
        _ => FailoverStep.None,
    };
}

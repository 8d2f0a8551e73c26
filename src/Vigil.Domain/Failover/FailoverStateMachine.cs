using Vigil.Domain.Inventory;

namespace Vigil.Domain.Failover;

/// <summary>
/// The takeover/failback state machine of SPEC.md §3 as pure transitions over <see cref="FailoverEpisode"/>:
/// <code>
/// Detected → Assigning ⇄ TakingOver → Active → FailingBack → Restoring → Cleaning → Completed
///                                                                        ↘ Stopped / Interrupted
/// </code>
/// Failback is make before break: the standby can only be released once the recording server records
/// again. Operator actions are inputs too, refused with a reason when the phase does not allow them.
/// </summary>
public sealed class FailoverStateMachine(TimeProvider time)
{
    public static class Rules
    {
        public const string NotInPhase = "failover.not-allowed-in-phase";
        public const string StaleEpoch = "failover.stale-epoch";
        public const string StandbyAlreadyFailed = "failover.standby-already-failed";
        public const string ConfirmationRequired = "failover.confirmation-required";
        public const string MakeBeforeBreak = "failover.make-before-break";
        public const string OriginalNotFunctional = "failover.original-not-functional";
        public const string ManualFailbackOnly = "failover.manual-failback-only";
        public const string ReplacementNotNormal = "failover.replacement-not-normal";
        public const string ReplacementIsStandby = "failover.replacement-is-standby";
        public const string InconsistentProgress = "failover.inconsistent-progress";
        public const string NotRecordingServer = "failover.not-a-recording-server";
        public const string ServerDisabled = "failover.server-disabled";
        public const string NotInGroup = "failover.server-not-in-group";
        public const string ProtectionOff = "failover.protection-off";
        public const string AutomaticFailoverOff = "failover.automatic-failover-off";
        public const string AlreadyInFailover = "failover.already-in-failover";
    }

    /// <summary>The warning an operator confirms before a failover's footage is removed from its standby.</summary>
    public const string FootageRemovalWarning = "The recordings on the failover server will be removed.";

    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    /// <summary>Opens an episode for <paramref name="server"/>, or says why it cannot be failed over.</summary>
    public Transition Begin(
        EpisodeId id, ManagedServer server, FailoverGroup group, FailoverOrigin origin, bool hasOpenEpisode, bool automaticFailover)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(group);
        var now = _time.GetUtcNow();
        var episode = new FailoverEpisode(
            id, server.Id, group.Id, origin, FailoverPhase.Detected, Epoch.None, Standby: null, FootageOn: [],
            FailedStandbys: [], OriginalRecording: false, RestoreProgress.NotStarted, EndsAs: null,
            FailoverResolution.None,
            origin == FailoverOrigin.Manual ? "manual failover requested" : "recording server failed", now, now);

        Refusal? refusal = null;
        if (server.Role != ServerRole.Recording)
        {
            refusal = new(Rules.NotRecordingServer, $"'{server.Name}' is a standby; only recording servers fail over.");
        }
        else if (!server.Enabled)
        {
            refusal = new(Rules.ServerDisabled, $"'{server.Name}' is disabled in its group.");
        }
        else if (server.Group != group.Id)
        {
            refusal = new(Rules.NotInGroup, $"'{server.Name}' is not in '{group.Name}'.");
        }
        else if (!group.ProtectionEnabled)
        {
            refusal = new(Rules.ProtectionOff, $"Failover protection is off in '{group.Name}'.");
        }
        else if (hasOpenEpisode)
        {
            refusal = new(Rules.AlreadyInFailover, $"'{server.Name}' is already in a failover.");
        }
        else if (origin == FailoverOrigin.Automatic && !automaticFailover)
        {
            refusal = new(Rules.AutomaticFailoverOff, "Automatic failover is off in the failover settings.");
        }

        return new Transition(episode, refusal);
    }

    /// <summary>Offers <paramref name="input"/> to <paramref name="episode"/>.</summary>
    public Transition Apply(FailoverEpisode episode, FailoverInput input)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(input);
        var e = episode;
        return (input, e.Phase) switch
        {
            (_, _) when !e.IsOpen => NotInPhase(e, input),

            (StandbyChosen c, FailoverPhase.Detected or FailoverPhase.Assigning) => ChooseStandby(e, c),
            (NoStandbyAvailable n, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                Move(e, FailoverPhase.Assigning, e with { Standby = null }, $"unprotected: {n.Reason}"),
            (TakeoverConfirmed c, FailoverPhase.TakingOver) when c.Epoch != e.Epoch =>
                Refuse(e, Rules.StaleEpoch, $"Confirmation for {c.Epoch} does not match the takeover's {e.Epoch}."),
            (TakeoverConfirmed, FailoverPhase.TakingOver) =>
                Move(e, FailoverPhase.Active, e, "standby records the server's cameras"),
            (TakeoverFailed f, FailoverPhase.TakingOver) => LoseStandby(e, $"takeover failed: {f.Reason}"),
            (StandbyLost l, FailoverPhase.Active) => LoseStandby(e, $"standby lost: {l.Reason}"),

            (OriginalRecovered, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                End(e, FailoverPhase.Completed, FailoverResolution.RecoveredUnprotected, "recovered before any standby took over"),
            (OriginalRecovered, FailoverPhase.Active) when e.Origin == FailoverOrigin.Manual =>
                Refuse(e, Rules.ManualFailbackOnly, "A manual failover waits for a manual failback."),
            (OriginalRecovered, FailoverPhase.Active) =>
                Move(e, FailoverPhase.FailingBack, e with { OriginalRecording = false }, "original recovered: automatic failback"),
            (ManualFailback { OriginalFunctional: false }, FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.Active) =>
                Refuse(e, Rules.OriginalNotFunctional, "The recording server is not functional; it cannot take its cameras back yet."),
            (ManualFailback, FailoverPhase.Detected or FailoverPhase.Assigning) when e.FootageOn.Count == 0 =>
                End(e, FailoverPhase.Completed, FailoverResolution.RecoveredUnprotected, "manual failback before any standby took over"),
            (ManualFailback, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                Clean(e, FailoverPhase.Completed, FailoverResolution.RecoveredUnprotected,
                    "manual failback before any standby took over; removing what a failed standby recorded"),
            (ManualFailback, FailoverPhase.Active) =>
                Move(e, FailoverPhase.FailingBack, e with { OriginalRecording = false }, "manual failback"),

            (OriginalRecordingConfirmed, FailoverPhase.FailingBack) when !e.OriginalRecording =>
                Move(e, FailoverPhase.FailingBack, e with { OriginalRecording = true }, "recording server records again"),
            (FailbackWaiting w, FailoverPhase.FailingBack) when !e.OriginalRecording =>
                Move(e, FailoverPhase.FailingBack, e, $"failback waits: {w.Reason}"),
            (StandbyReleased, FailoverPhase.FailingBack) when !e.OriginalRecording =>
                Refuse(e, Rules.MakeBeforeBreak, "The standby is released only after the recording server records again."),
            (StandbyReleased r, FailoverPhase.FailingBack) => Release(e, r),
            (OriginalFailed, FailoverPhase.FailingBack) =>
                Move(e, FailoverPhase.Active, e with { OriginalRecording = false }, "recording server failed again during failback"),
            (OriginalFailed f, FailoverPhase.Restoring) => RetakeDuringRestore(e, f),

            (RestoreProgressed p, FailoverPhase.Restoring) when !p.Progress.IsConsistent =>
                Refuse(e, Rules.InconsistentProgress, "Restore progress must lie between 0 and its totals."),
            (RestoreProgressed p, FailoverPhase.Restoring) => Move(e, FailoverPhase.Restoring, e with { Restore = p.Progress }, e.Note),
            (RestoreCompleted, FailoverPhase.Restoring) =>
                Clean(e, FailoverPhase.Completed, e.Resolution == FailoverResolution.None ? FailoverResolution.Restored : e.Resolution,
                    "restore complete; removing footage from the standby"),
            (StopRestoration { Confirmed: false }, FailoverPhase.Restoring) =>
                Refuse(e, Rules.ConfirmationRequired, $"Stopping the restoration needs confirmation. {FootageRemovalWarning}"),
            (StopRestoration, FailoverPhase.Restoring) =>
                Clean(e, FailoverPhase.Completed, FailoverResolution.RestoreStopped, "restore stopped by operator"),
            (CleanupCompleted, FailoverPhase.Cleaning) =>
                End(e, e.EndsAs ?? FailoverPhase.Completed, e.Resolution, e.Note),

            (ReplaceWithActingStandby, FailoverPhase.Active) => ReplaceByStandby(e),
            (ReplaceWithServer { ReplacementNormal: false }, FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.Active) =>
                Refuse(e, Rules.ReplacementNotNormal, "The replacement must be a recording server in normal status."),
            (ReplaceWithServer r, FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.Active)
                when r.Replacement == e.Standby || e.FootageOn.Contains(r.Replacement) =>
                Refuse(e, Rules.ReplacementIsStandby, "To replace with the acting standby, use replace with the acting standby."),
            (ReplaceWithServer r, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                End(e with { RecordingServer = r.Replacement }, FailoverPhase.Completed, FailoverResolution.ReplacedByServer,
                    "replaced by another recording server"),
            (ReplaceWithServer r, FailoverPhase.Active) =>
                Move(e, FailoverPhase.FailingBack,
                    e with { RecordingServer = r.Replacement, OriginalRecording = false, Resolution = FailoverResolution.ReplacedByServer },
                    "replaced by another recording server: it records, then the standby is released"),

            (StopFailover { Confirmed: false }, not FailoverPhase.Cleaning) =>
                Refuse(e, Rules.ConfirmationRequired, $"Stopping the failover needs confirmation. {FootageRemovalWarning}"),
            (StopFailover, FailoverPhase.Detected or FailoverPhase.Assigning) when e.FootageOn.Count == 0 =>
                End(e, FailoverPhase.Stopped, FailoverResolution.None, "failover stopped by operator"),
            (StopFailover, not FailoverPhase.Cleaning) =>
                Clean(e, FailoverPhase.Stopped, FailoverResolution.None, "failover stopped by operator; removing its footage"),

            (GroupDeleted, _) when e.FootageOn.Count == 0 =>
                End(e, FailoverPhase.Interrupted, FailoverResolution.None, "group deleted"),
            (GroupDeleted, _) => Clean(e, FailoverPhase.Interrupted, FailoverResolution.None, "group deleted; removing failover footage"),

            (StepFailed f, _) => End(e, FailoverPhase.Failed, e.Resolution, f.Reason),

            _ => NotInPhase(e, input),
        };
    }

    private Transition ChooseStandby(FailoverEpisode e, StandbyChosen c)
    {
        if (c.Epoch <= e.Epoch)
        {
            return Refuse(e, Rules.StaleEpoch, $"A takeover needs an epoch above {e.Epoch}; got {c.Epoch}.");
        }

        if (e.FailedStandbys.Contains(c.Standby))
        {
            return Refuse(e, Rules.StandbyAlreadyFailed, $"{c.Standby} already failed to take this server over.");
        }

        var footageOn = e.FootageOn.Contains(c.Standby) ? e.FootageOn : [.. e.FootageOn, c.Standby];
        return Move(e, FailoverPhase.TakingOver, e with { Standby = c.Standby, Epoch = c.Epoch, FootageOn = footageOn },
            $"taking over: {c.Standby} at {c.Epoch}");
    }

    private Transition LoseStandby(FailoverEpisode e, string why) =>
        Move(e, FailoverPhase.Assigning, e with { Standby = null, FailedStandbys = [.. e.FailedStandbys, e.Standby!.Value] }, why);

    private Transition Release(FailoverEpisode e, StandbyReleased r)
    {
        var released = e with { Standby = null };
        var resolution = e.Resolution == FailoverResolution.None ? FailoverResolution.Restored : e.Resolution;
        return r.RestoreRecordings
            ? Move(e, FailoverPhase.Restoring, released with { Resolution = resolution }, "standby released; restoring recordings")
            : Clean(released, FailoverPhase.Completed,
                e.Resolution == FailoverResolution.None ? FailoverResolution.FailedBack : e.Resolution,
                "standby released; restore is off, so its failover footage is removed");
    }

    private Transition RetakeDuringRestore(FailoverEpisode e, OriginalFailed f)
    {
        if (f.Epoch <= e.Epoch)
        {
            return Refuse(e, Rules.StaleEpoch, $"A takeover needs an epoch above {e.Epoch}; got {f.Epoch}.");
        }

        // The standby that holds the footage takes the server back; the restore resumes after the next failback.
        var holder = e.FootageOn[^1];
        return Move(e, FailoverPhase.TakingOver, e with { Standby = holder, Epoch = f.Epoch, Resolution = FailoverResolution.None },
            $"recording server failed again during restore: {holder} takes over at {f.Epoch}");
    }

    /// <summary>
    /// The acting standby becomes the recording server. Its failover footage (and any earlier standby's)
    /// is that server's history now, so it is restored into its own catalog and then cleaned, whatever the
    /// restore setting says.
    /// </summary>
    private Transition ReplaceByStandby(FailoverEpisode e)
    {
        var replaced = e with { RecordingServer = e.Standby!.Value, Standby = null, Resolution = FailoverResolution.ReplacedByStandby };
        return Move(e, FailoverPhase.Restoring, replaced, "replaced by the acting standby; its failover footage becomes its own");
    }

    private Transition Clean(FailoverEpisode e, FailoverPhase endsAs, FailoverResolution resolution, string why) =>
        Move(e, FailoverPhase.Cleaning, e with { EndsAs = endsAs, Resolution = resolution }, why);

    private Transition End(FailoverEpisode e, FailoverPhase terminal, FailoverResolution resolution, string why) =>
        Move(e, terminal, e with { Standby = null, EndsAs = null, Resolution = resolution }, why);

    private Transition Move(FailoverEpisode from, FailoverPhase to, FailoverEpisode next, string why)
    {
        var since = to == from.Phase ? from.PhaseSince : _time.GetUtcNow();
        return new Transition(next with { Phase = to, Note = why, PhaseSince = since }, null);
    }

    private static Transition Refuse(FailoverEpisode e, string rule, string message) => new(e, new Refusal(rule, message));

    private static Transition NotInPhase(FailoverEpisode e, FailoverInput input) =>
        Refuse(e, Rules.NotInPhase, $"{Describe(input)} is not possible while the failover is {PhaseWords(e.Phase)}.");

    private static string Describe(FailoverInput input) => input.GetType().Name;

    private static string PhaseWords(FailoverPhase phase) => phase switch
    {
        FailoverPhase.Detected => "just detected",
        FailoverPhase.Assigning => "waiting for a standby",
        FailoverPhase.TakingOver => "taking over",
        FailoverPhase.Active => "active",
        FailoverPhase.FailingBack => "failing back",
        FailoverPhase.Restoring => "restoring recordings",
        FailoverPhase.Cleaning => "removing failover footage",
        _ => $"over ({phase.ToString().ToLowerInvariant()})",
    };
}

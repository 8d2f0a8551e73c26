using Vigil.Domain.Inventory;
using Codes = Vigil.Domain.Failover.EpisodeNote.Codes;

namespace Vigil.Domain.Failover;

/// <summary>
/// The takeover/failback state machine (docs/product-rules.md, Failover) as pure transitions over <see cref="FailoverEpisode"/>:
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
        public const string FootagePending = "failover.footage-pending";
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
            new EpisodeNote(origin == FailoverOrigin.Manual ? Codes.ManualFailoverRequested : Codes.RecordingServerFailed), now, now);

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
        var holdsFootage = e.FootageOn.Count > 0;
        return (input, e.Phase) switch
        {
            (_, _) when !e.IsOpen => NotInPhase(e, input),

            (StandbyChosen c, FailoverPhase.Detected or FailoverPhase.Assigning) => ChooseStandby(e, c),
            (NoStandbyAvailable n, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                Move(e, FailoverPhase.Assigning, e with { Standby = null }, new(Codes.NoStandby, Detail: n.Reason)),
            (TakeoverConfirmed c, FailoverPhase.TakingOver) when c.Epoch != e.Epoch =>
                Refuse(e, Rules.StaleEpoch, $"Confirmation for {c.Epoch} does not match the takeover's {e.Epoch}."),
            (TakeoverConfirmed, FailoverPhase.TakingOver) =>
                Move(e, FailoverPhase.Active, e, new(Codes.StandbyRecording, e.Standby)),
            (TakeoverFailed f, FailoverPhase.TakingOver) => LoseStandby(e, new(Codes.TakeoverFailed, e.Standby, Detail: f.Reason)),
            (StandbyLost l, FailoverPhase.Active) => LoseStandby(e, new(Codes.StandbyLost, e.Standby, Detail: l.Reason)),

            (OriginalRecovered, FailoverPhase.Detected or FailoverPhase.Assigning) when holdsFootage =>
                FailBackToHeldFootage(e),
            (OriginalRecovered, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                End(e, FailoverPhase.Completed, FailoverResolution.RecoveredUnprotected, new(Codes.RecoveredUnprotected)),
            (OriginalRecovered, FailoverPhase.Active) when e.Origin == FailoverOrigin.Manual =>
                Refuse(e, Rules.ManualFailbackOnly, "A manual failover waits for a manual failback."),
            (OriginalRecovered, FailoverPhase.Active) =>
                Move(e, FailoverPhase.FailingBack, e with { OriginalRecording = false }, new(Codes.AutomaticFailback)),
            (ManualFailback { OriginalFunctional: false }, FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.Active) =>
                Refuse(e, Rules.OriginalNotFunctional, "The recording server is not functional; it cannot take its cameras back yet."),
            (ManualFailback, FailoverPhase.Detected or FailoverPhase.Assigning) when holdsFootage => FailBackToHeldFootage(e),
            (ManualFailback, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                End(e, FailoverPhase.Completed, FailoverResolution.RecoveredUnprotected, new(Codes.ManualFailbackUnprotected)),
            (ManualFailback, FailoverPhase.Active) =>
                Move(e, FailoverPhase.FailingBack, e with { OriginalRecording = false }, new(Codes.ManualFailback)),

            (OriginalRecordingConfirmed, FailoverPhase.FailingBack) when !e.OriginalRecording =>
                Move(e, FailoverPhase.FailingBack, e with { OriginalRecording = true }, new(Codes.OriginalRecording)),
            (FailbackWaiting w, FailoverPhase.FailingBack) when !e.OriginalRecording =>
                Move(e, FailoverPhase.FailingBack, e, new(Codes.FailbackWaits, Detail: w.Reason)),
            (StandbyReleased, FailoverPhase.FailingBack) when !e.OriginalRecording =>
                Refuse(e, Rules.MakeBeforeBreak, "The standby is released only after the recording server records again."),
            (StandbyReleased r, FailoverPhase.FailingBack) => Release(e, r),

            // Failing back to footage of lost standbys: no standby records the cameras, so one must be found again.
            (OriginalFailed, FailoverPhase.FailingBack) when e.Standby is null =>
                Move(e, FailoverPhase.Assigning, e with { OriginalRecording = false }, new(Codes.OriginalFailedDuringFailback)),
            (OriginalFailed, FailoverPhase.FailingBack) =>
                Move(e, FailoverPhase.Active, e with { OriginalRecording = false }, new(Codes.OriginalFailedDuringFailback)),
            (OriginalFailed f, FailoverPhase.Restoring) => RetakeDuringRestore(e, f),

            (RestoreProgressed p, FailoverPhase.Restoring) when !p.Progress.IsConsistent =>
                Refuse(e, Rules.InconsistentProgress, "Restore progress must lie between 0 and its totals."),
            (RestoreProgressed p, FailoverPhase.Restoring) => Move(e, FailoverPhase.Restoring, e with { Restore = p.Progress },
                e.Note.Code == Codes.RestoreWaits ? new(Codes.Restoring) : e.Note),
            (RestoreWaiting w, FailoverPhase.Restoring) => Move(e, FailoverPhase.Restoring, e, new(Codes.RestoreWaits, Detail: w.Reason)),
            (RestoreCompleted, FailoverPhase.Restoring) =>
                Clean(e, FailoverPhase.Completed, e.Resolution == FailoverResolution.None ? FailoverResolution.Restored : e.Resolution,
                    new(Codes.RestoreComplete)),
            (StopRestoration { Confirmed: false }, FailoverPhase.Restoring) =>
                Refuse(e, Rules.ConfirmationRequired, $"Stopping the restoration needs confirmation. {FootageRemovalWarning}"),
            (StopRestoration, FailoverPhase.Restoring) =>
                Clean(e, FailoverPhase.Completed, FailoverResolution.RestoreStopped, new(Codes.RestoreStopped)),
            (CleanupCompleted, FailoverPhase.Cleaning) =>
                End(e, e.EndsAs ?? FailoverPhase.Completed, e.Resolution, e.Note),

            (ReplaceWithActingStandby, FailoverPhase.Active) => ReplaceByStandby(e),
            (ReplaceWithServer { ReplacementNormal: false }, FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.Active) =>
                Refuse(e, Rules.ReplacementNotNormal, "The replacement must be a recording server in normal status."),
            (ReplaceWithServer r, FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.Active)
                when r.Replacement == e.Standby || e.FootageOn.Contains(r.Replacement) =>
                Refuse(e, Rules.ReplacementIsStandby, "To replace with the acting standby, use replace with the acting standby."),
            (ReplaceWithServer r, FailoverPhase.Detected or FailoverPhase.Assigning) when holdsFootage =>
                Move(e, FailoverPhase.FailingBack,
                    e with { RecordingServer = r.Replacement, Standby = null, OriginalRecording = false, Resolution = FailoverResolution.ReplacedByServer },
                    new(Codes.ReplacedByServerWithFootage, r.Replacement)),
            (ReplaceWithServer r, FailoverPhase.Detected or FailoverPhase.Assigning) =>
                End(e with { RecordingServer = r.Replacement }, FailoverPhase.Completed, FailoverResolution.ReplacedByServer,
                    new(Codes.ReplacedByServer, r.Replacement)),
            (ReplaceWithServer r, FailoverPhase.Active) =>
                Move(e, FailoverPhase.FailingBack,
                    e with { RecordingServer = r.Replacement, OriginalRecording = false, Resolution = FailoverResolution.ReplacedByServer },
                    new(Codes.ReplacedByServerHandover, r.Replacement)),

            (StopFailover { Confirmed: false }, not FailoverPhase.Cleaning) =>
                Refuse(e, Rules.ConfirmationRequired, $"Stopping the failover needs confirmation. {FootageRemovalWarning}"),
            (StopFailover, FailoverPhase.Detected or FailoverPhase.Assigning) when !holdsFootage =>
                End(e, FailoverPhase.Stopped, FailoverResolution.None, new(Codes.Stopped)),
            (StopFailover, not FailoverPhase.Cleaning) =>
                Clean(e, FailoverPhase.Stopped, FailoverResolution.None, new(Codes.StoppedRemovingFootage)),

            (GroupDeleted, _) when !holdsFootage => End(e, FailoverPhase.Interrupted, FailoverResolution.None, new(Codes.GroupDeleted)),
            (GroupDeleted, _) => Clean(e, FailoverPhase.Interrupted, FailoverResolution.None, new(Codes.GroupDeletedRemovingFootage)),

            // Ending here would orphan the footage: only a restore or an operator's discard may end such an episode.
            (StepFailed, _) when holdsFootage =>
                Refuse(e, Rules.FootagePending,
                    "The failover's footage is still on its standby(s); restore it or discard it (stop the failover) before the failover can end."),
            (StepFailed f, _) => End(e, FailoverPhase.Failed, e.Resolution, new(Codes.StepFailed, Detail: f.Reason)),

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
            new(Codes.StandbyChosen, c.Standby, c.Epoch));
    }

    private Transition LoseStandby(FailoverEpisode e, EpisodeNote why) =>
        Move(e, FailoverPhase.Assigning, e with { Standby = null, FailedStandbys = [.. e.FailedStandbys, e.Standby!.Value] }, why);

    /// <summary>
    /// The original is back before a standby records for it, but a standby recorded part of the outage
    /// before it was lost: the original records first, then that footage is restored home like after any failback.
    /// </summary>
    private Transition FailBackToHeldFootage(FailoverEpisode e) =>
        Move(e, FailoverPhase.FailingBack, e with { Standby = null, OriginalRecording = false }, new(Codes.FailbackAfterLostStandby));

    private Transition Release(FailoverEpisode e, StandbyReleased r)
    {
        var released = e with { Standby = null };
        var resolution = e.Resolution == FailoverResolution.None ? FailoverResolution.Restored : e.Resolution;
        return r.RestoreRecordings
            ? Move(e, FailoverPhase.Restoring, released with { Resolution = resolution }, new(Codes.Restoring))
            : Clean(released, FailoverPhase.Completed,
                e.Resolution == FailoverResolution.None ? FailoverResolution.FailedBack : e.Resolution,
                new(Codes.RestoreOffRemovingFootage));
    }

    private Transition RetakeDuringRestore(FailoverEpisode e, OriginalFailed f)
    {
        if (f.Epoch <= e.Epoch)
        {
            return Refuse(e, Rules.StaleEpoch, $"A takeover needs an epoch above {e.Epoch}; got {f.Epoch}.");
        }

        // The standby that holds the newest footage takes the server back; the restore resumes after the next
        // failback. A holder that was lost cannot, so then the planner chooses another.
        var holders = e.FootageOn.Where(s => !e.FailedStandbys.Contains(s) && s != e.RecordingServer).ToList();
        if (holders.Count == 0)
        {
            return Move(e, FailoverPhase.Assigning, e with { Standby = null, Resolution = FailoverResolution.None },
                new(Codes.OriginalFailedNoHolder));
        }

        var holder = holders[^1];
        return Move(e, FailoverPhase.TakingOver, e with { Standby = holder, Epoch = f.Epoch, Resolution = FailoverResolution.None },
            new(Codes.OriginalFailedDuringRestore, holder, f.Epoch));
    }

    /// <summary>
    /// The acting standby becomes the recording server. Its failover footage (and any earlier standby's)
    /// is that server's history now, so it is restored into its own catalog and then cleaned, whatever the
    /// restore setting says.
    /// </summary>
    private Transition ReplaceByStandby(FailoverEpisode e)
    {
        var replaced = e with { RecordingServer = e.Standby!.Value, Standby = null, Resolution = FailoverResolution.ReplacedByStandby };
        return Move(e, FailoverPhase.Restoring, replaced, new(Codes.ReplacedByStandby, e.Standby));
    }

    private Transition Clean(FailoverEpisode e, FailoverPhase endsAs, FailoverResolution resolution, EpisodeNote why) =>
        Move(e, FailoverPhase.Cleaning, e with { EndsAs = endsAs, Resolution = resolution }, why);

    private Transition End(FailoverEpisode e, FailoverPhase terminal, FailoverResolution resolution, EpisodeNote why) =>
        Move(e, terminal, e with { Standby = null, EndsAs = null, Resolution = resolution }, why);

    private Transition Move(FailoverEpisode from, FailoverPhase to, FailoverEpisode next, EpisodeNote why)
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

using Vigil.Domain.Failover;

namespace Vigil.Domain.Inventory;

/// <summary>
/// When a server may be edited, disabled or removed while failovers are open (docs/product-rules.md, Failover).
/// A standby is <em>acting</em> for an episode while it takes over, records or hands back the server's
/// cameras; editing, disabling or removing it stops that failover and removes its footage, so it needs
/// an explicit confirmation, and it cannot be removed mid-takeover or mid-handover. A standby that only
/// holds footage of an open episode (its takeover failed, it was lost, or it is being restored from)
/// acts for nobody: editing or disabling it stops nothing, but removing it would orphan footage that
/// is not home yet, so that is refused outright. The configuration of a protected recording server
/// cannot change during its failover, and removing it ends the failover, also only when confirmed.
/// </summary>
public static class ServerChangeRules
{
    public static class Rules
    {
        public const string InTakeover = "server.in-takeover";
        public const string ConfirmationRequired = "server.confirmation-required";
        public const string ProtectedDuringFailover = "server.protected-during-failover";
        public const string HoldsOutageFootage = "server.holds-outage-footage";
    }

    /// <param name="nameOf">Names the recording server whose footage a standby holds; its id when not given.</param>
    public static Decision CanRemove(
        ManagedServer server, IReadOnlyList<FailoverEpisode> open, bool confirmed, Func<ServerId, string>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(open);
        var stopped = StoppedBy(server, open);
        if (stopped.FirstOrDefault(e => e.Phase is FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.TakingOver or FailoverPhase.FailingBack)
            is { } midway)
        {
            return Decision.Refuse(Rules.InTakeover,
                $"'{server.Name}' is in the middle of a takeover ({Describe(midway.Phase)}) and cannot be removed; disable it first.");
        }

        if (server.Role == ServerRole.Standby
            && open.FirstOrDefault(e => e.IsOpen && e.FootageOn.Contains(server.Id) && !stopped.Contains(e)) is { } held)
        {
            var name = (nameOf ?? (id => id.ToString()))(held.RecordingServer);
            return Decision.Refuse(Rules.HoldsOutageFootage, held.Phase == FailoverPhase.Cleaning
                ? $"'{server.Name}' holds outage footage of {name} that is being removed; remove it once that is done."
                : $"'{server.Name}' holds outage footage of {name} that is not yet restored home; remove it once the restore is done, or stop the restoration first.");
        }

        if (stopped.Count == 0 || confirmed)
        {
            return Decision.Allowed;
        }

        return Decision.Refuse(Rules.ConfirmationRequired, server.Role == ServerRole.Standby
            ? $"'{server.Name}' is protecting a recording server: removing it stops that failover and removes its failover recordings. Confirm to go on."
            : $"'{server.Name}' is being protected by a standby: removing it ends that failover and removes the standby's recordings of it. Confirm to go on.");
    }

    public static Decision CanEdit(ManagedServer server, IReadOnlyList<FailoverEpisode> open, bool confirmed)
    {
        ArgumentNullException.ThrowIfNull(server);
        var stopped = StoppedBy(server, open);
        if (stopped.Count == 0)
        {
            return Decision.Allowed;
        }

        var episode = stopped[0];

        if (server.Role == ServerRole.Recording)
        {
            return Decision.Refuse(Rules.ProtectedDuringFailover,
                $"'{server.Name}' is protected by a failover now ({Describe(episode.Phase)}); its configuration cannot change until the failover ends.");
        }

        return ConfirmStandby(server, confirmed, "editing");
    }

    public static Decision CanDisable(ManagedServer server, IReadOnlyList<FailoverEpisode> open, bool confirmed)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Role == ServerRole.Standby && StoppedBy(server, open).Count > 0
            ? ConfirmStandby(server, confirmed, "disabling")
            : Decision.Allowed;
    }

    /// <summary>
    /// The open episodes a confirmed edit, disable or removal of <paramref name="server"/> stops: for a
    /// standby, those it acts for; for a recording server, its own (only its removal gets that far: its
    /// edit is refused, and disabling it leaves its episode to the failover engine).
    /// </summary>
    public static IReadOnlyList<FailoverEpisode> StoppedBy(ManagedServer server, IReadOnlyList<FailoverEpisode> open)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(open);
        return server.Role == ServerRole.Standby
            ? open.Where(e => IsActing(e, server.Id)).ToList()
            : open.Where(e => e.IsOpen && e.RecordingServer == server.Id).ToList();
    }

    /// <summary>The standby takes over, records or hands back the episode's cameras.</summary>
    public static bool IsActing(FailoverEpisode episode, ServerId standby)
    {
        ArgumentNullException.ThrowIfNull(episode);
        return episode.IsOpen && episode.Standby == standby
            && episode.Phase is FailoverPhase.TakingOver or FailoverPhase.Active or FailoverPhase.FailingBack;
    }

    private static Decision ConfirmStandby(ManagedServer standby, bool confirmed, string action) => confirmed
        ? Decision.Allowed
        : Decision.Refuse(Rules.ConfirmationRequired,
            $"'{standby.Name}' is protecting a recording server: {action} it stops that failover and removes its failover recordings. Confirm to go on.");

    private static string Describe(FailoverPhase phase) => phase switch
    {
        FailoverPhase.Detected => "failure detected",
        FailoverPhase.Assigning => "choosing a standby",
        FailoverPhase.TakingOver => "taking over",
        FailoverPhase.Active => "taken over",
        FailoverPhase.FailingBack => "failing back",
        FailoverPhase.Restoring => "restoring recordings",
        FailoverPhase.Cleaning => "removing failover recordings",
        _ => phase.ToString(),
    };
}

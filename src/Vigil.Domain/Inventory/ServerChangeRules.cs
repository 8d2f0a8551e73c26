using Vigil.Domain.Failover;

namespace Vigil.Domain.Inventory;

/// <summary>
/// When a server may be edited, disabled or removed while failovers are open (SPEC.md §3):
/// a server in the middle of a takeover or handover cannot be removed (disable it first); editing,
/// disabling or removing a protecting standby stops its failover and removes its failover recordings,
/// so it needs an explicit confirmation; the configuration of a protected recording server cannot
/// change during its failover, and removing it ends the failover, also only when confirmed.
/// </summary>
public static class ServerChangeRules
{
    public static class Rules
    {
        public const string InTakeover = "server.in-takeover";
        public const string ConfirmationRequired = "server.confirmation-required";
        public const string ProtectedDuringFailover = "server.protected-during-failover";
    }

    public static Decision CanRemove(ManagedServer server, IReadOnlyList<FailoverEpisode> open, bool confirmed)
    {
        ArgumentNullException.ThrowIfNull(server);
        var episode = Involving(server, open);
        if (episode is null)
        {
            return Decision.Allowed;
        }

        if (episode.Phase is FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.TakingOver or FailoverPhase.FailingBack)
        {
            return Decision.Refuse(Rules.InTakeover,
                $"'{server.Name}' is in the middle of a takeover ({Describe(episode.Phase)}) and cannot be removed; disable it first.");
        }

        return confirmed
            ? Decision.Allowed
            : Decision.Refuse(Rules.ConfirmationRequired, server.Role == ServerRole.Standby
                ? $"'{server.Name}' is protecting a recording server: removing it stops that failover and removes its failover recordings. Confirm to go on."
                : $"'{server.Name}' is being protected by a standby: removing it ends that failover and removes the standby's recordings of it. Confirm to go on.");
    }

    public static Decision CanEdit(ManagedServer server, IReadOnlyList<FailoverEpisode> open, bool confirmed)
    {
        ArgumentNullException.ThrowIfNull(server);
        var episode = Involving(server, open);
        if (episode is null)
        {
            return Decision.Allowed;
        }

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
        return server.Role == ServerRole.Standby && Involving(server, open) is not null
            ? ConfirmStandby(server, confirmed, "disabling")
            : Decision.Allowed;
    }

    /// <summary>The episodes a confirmed edit, disable or removal of <paramref name="server"/> stops.</summary>
    public static IReadOnlyList<FailoverEpisode> StoppedBy(ManagedServer server, IReadOnlyList<FailoverEpisode> open)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(open);
        return server.Role == ServerRole.Standby
            ? open.Where(e => e.IsOpen && e.Standby == server.Id).ToList()
            : open.Where(e => e.IsOpen && e.RecordingServer == server.Id).ToList();
    }

    private static Decision ConfirmStandby(ManagedServer standby, bool confirmed, string action) => confirmed
        ? Decision.Allowed
        : Decision.Refuse(Rules.ConfirmationRequired,
            $"'{standby.Name}' is protecting a recording server: {action} it stops that failover and removes its failover recordings. Confirm to go on.");

    private static FailoverEpisode? Involving(ManagedServer server, IReadOnlyList<FailoverEpisode> open)
    {
        ArgumentNullException.ThrowIfNull(open);
        return server.Role == ServerRole.Standby
            ? open.FirstOrDefault(e => e.Occupies(server.Id) || (e.IsOpen && e.Standby == server.Id))
            : open.FirstOrDefault(e => e.IsOpen && e.RecordingServer == server.Id);
    }

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

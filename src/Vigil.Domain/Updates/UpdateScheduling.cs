using Vigil.Domain.Inventory;

namespace Vigil.Domain.Updates;

/// <summary>A queued update as the scheduler sees its server now.</summary>
/// <param name="Id">The update's id; lower ids were queued first.</param>
/// <param name="InFailover">The server is in an open failover (a recording server taken over, or a standby protecting one).</param>
/// <param name="Protectable">A recording server that a ready standby of its group could take over now.</param>
public sealed record QueuedUpdate(long Id, ServerId Server, ServerRole Role, GroupId? Group, bool InFailover, bool Protectable);

/// <summary>An update the scheduler lets start, and how.</summary>
public sealed record UpdateStart(long Id, UpdateRoute Route);

/// <summary>
/// Which queued updates may start now (docs/product-rules.md, "Updating agents"): no group ever has two servers updating
/// at once, so a group never loses more than one member to an update; a server in a failover waits (a standby while it
/// protects, a recording server while a standby records it); standbys go first, so recording servers later roll over onto
/// standbys that already run the new version. A recording server rolls (hands over to a standby first) whenever a ready
/// standby could take it; otherwise it is updated in place and its recording pauses while it restarts.
/// </summary>
public static class UpdateScheduling
{
    /// <param name="queued">Every queued update.</param>
    /// <param name="busyGroups">Groups with an update under way (and servers without a group count as their own).</param>
    /// <param name="busyServers">Servers with an update under way.</param>
    public static IReadOnlyList<UpdateStart> Next(IEnumerable<QueuedUpdate> queued, IReadOnlySet<GroupId> busyGroups, IReadOnlySet<ServerId> busyServers)
    {
        ArgumentNullException.ThrowIfNull(queued);
        ArgumentNullException.ThrowIfNull(busyGroups);
        ArgumentNullException.ThrowIfNull(busyServers);
        var groups = new HashSet<GroupId>(busyGroups);
        var servers = new HashSet<ServerId>(busyServers);
        var starts = new List<UpdateStart>();
        foreach (var update in queued.OrderBy(u => u.Role == ServerRole.Standby ? 0 : 1).ThenBy(u => u.Id))
        {
            if (update.InFailover || servers.Contains(update.Server) || (update.Group is { } group && groups.Contains(group)))
            {
                continue;
            }

            servers.Add(update.Server);
            if (update.Group is { } taken)
            {
                groups.Add(taken);
            }

            starts.Add(new UpdateStart(update.Id, RouteOf(update)));
        }

        return starts;
    }

    public static UpdateRoute RouteOf(QueuedUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.Role == ServerRole.Recording && update.Protectable ? UpdateRoute.Rolling : UpdateRoute.InPlace;
    }

    /// <summary>Why a queued update does not start yet, in words; null when nothing holds it back.</summary>
    public static string? WhyWaiting(QueuedUpdate update, IReadOnlySet<GroupId> busyGroups)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(busyGroups);
        if (update.InFailover)
        {
            return update.Role == ServerRole.Standby ? "waits: the standby is protecting a server" : "waits: the server is in a failover";
        }

        return update.Group is { } group && busyGroups.Contains(group) ? "waits: another server of its group is updating" : null;
    }
}

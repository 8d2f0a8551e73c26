using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Domain;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>
/// Whether a server may join a group in a role: the group's server limit and, for a standby, its
/// eligibility against the group's recording servers. Shared by adding a server and by putting a
/// server that is in no group into one.
/// </summary>
internal static class GroupMembership
{
    /// <param name="members">The servers in <paramref name="target"/> now.</param>
    /// <param name="joining">How many servers join at once with this one counted (a batch), 1 for a single server.</param>
    public static List<Refusal> Refusals(
        string name, AgentReport report, ServerRole role, FailoverGroup? current, FailoverGroup target,
        IReadOnlyCollection<ServerRow> members, int joining, InventoryLimits limits)
    {
        var refusals = new List<Refusal>();
        if (GroupRules.CanAddServer(name, current, target, members.Count + joining - 1, limits).Refusal is { } full)
        {
            refusals.Add(full);
        }

        if (role == ServerRole.Standby)
        {
            var recordingChannels = members.Where(m => AgentInventory.RoleOf(m) == ServerRole.Recording).Select(m => m.LicenseChannels);
            refusals.AddRange(StandbyEligibility.Check(report, current, target, recordingChannels, VigilVersion.Current));
        }

        return refusals;
    }
}

using Vigil.Domain.Versions;

namespace Vigil.Domain.Discovery;

/// <summary>What a server found on the LAN is to this CMS, in the order an operator needs to know it.</summary>
public enum FoundServerState
{
    /// <summary>Standalone and of a version this CMS manages: it can be enabled (added) now.</summary>
    Available,

    /// <summary>Standalone, of an older major.minor: it must be updated before it protects or is protected.</summary>
    UpdateRequired,

    /// <summary>Newer than this CMS: the CMS must be updated first.</summary>
    Incompatible,

    /// <summary>Paired with another CMS: adding it here would take it from that one.</summary>
    AddedToAnotherCms,

    /// <summary>This CMS manages it already.</summary>
    AlreadyAdded,
}

/// <summary>
/// The state of a found server (Synology CMS's words: available, update required, incompatible, added to another CMS,
/// already added). Who manages it comes first, since an added server is never to be added again whatever its version.
/// </summary>
public static class FoundServerRule
{
    /// <param name="managedByCmsId">The installation id of the CMS that paired the agent, null when standalone (or when an old CMS paired it without an id).</param>
    /// <param name="managedByAnyCms">Whether any CMS holds a credential of the agent.</param>
    /// <param name="inThisInventory">Whether this CMS's inventory has a server with the agent's serial.</param>
    public static FoundServerState Of(Version agent, Version cms, bool managedByAnyCms, string? managedByCmsId, string thisCmsId, bool inThisInventory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(cms);
        if (inThisInventory || (managedByCmsId is not null && string.Equals(managedByCmsId, thisCmsId, StringComparison.Ordinal)))
        {
            return FoundServerState.AlreadyAdded;
        }

        if (managedByAnyCms)
        {
            return FoundServerState.AddedToAnotherCms;
        }

        return VersionCompatibility.Of(agent, cms) switch
        {
            AgentCompatibility.UpdateRequired => FoundServerState.UpdateRequired,
            AgentCompatibility.Incompatible => FoundServerState.Incompatible,
            _ => FoundServerState.Available,
        };
    }

    /// <summary>The API code: <c>available</c>, <c>update_required</c>, <c>incompatible</c>, <c>added_to_another_cms</c>, <c>already_added</c>.</summary>
    public static string Code(FoundServerState state) => state switch
    {
        FoundServerState.Available => "available",
        FoundServerState.UpdateRequired => "update_required",
        FoundServerState.Incompatible => "incompatible",
        FoundServerState.AddedToAnotherCms => "added_to_another_cms",
        FoundServerState.AlreadyAdded => "already_added",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown state."),
    };

    /// <summary>The words the console and the CLI show.</summary>
    public static string Label(FoundServerState state) => state switch
    {
        FoundServerState.Available => "available",
        FoundServerState.UpdateRequired => "update required",
        FoundServerState.Incompatible => "incompatible",
        FoundServerState.AddedToAnotherCms => "added to another CMS",
        FoundServerState.AlreadyAdded => "already added",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown state."),
    };

    /// <summary>Only a standalone server of a version this CMS manages is offered "Enable".</summary>
    public static bool CanEnable(FoundServerState state) => state == FoundServerState.Available;
}

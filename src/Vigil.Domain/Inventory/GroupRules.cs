using System.Globalization;

namespace Vigil.Domain.Inventory;

/// <summary>
/// The failover-group rules (docs/product-rules.md): the default group cannot be deleted, a CMS holds at most
/// <see cref="InventoryLimits.MaxGroups"/> groups and a group at most
/// <see cref="InventoryLimits.MaxServersPerGroup"/> servers, a server belongs to at most one group,
/// group names are unique (ignoring case, so two tabs never read the same).
/// </summary>
public static class GroupRules
{
    public const int MaxNameLength = 64;

    public static class Rules
    {
        public const string NameEmpty = "group.name-empty";
        public const string NameTooLong = "group.name-too-long";
        public const string NameInvalid = "group.name-invalid";
        public const string NameDuplicate = "group.name-duplicate";
        public const string GroupLimit = "group.limit-reached";
        public const string DefaultUndeletable = "group.default-undeletable";
        public const string ServerLimit = "group.server-limit-reached";
        public const string ServerInOtherGroup = "group.server-in-other-group";
        public const string ServerAlreadyInGroup = "group.server-already-in-group";
    }

    public static Decision CanAdd(string? name, IReadOnlyCollection<FailoverGroup> existing, InventoryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(limits);
        if (existing.Count >= limits.MaxGroups)
        {
            return Decision.Refuse(Rules.GroupLimit,
                $"A CMS holds at most {limits.MaxGroups} failover groups; delete one or raise the limit in the settings.");
        }

        return CheckName(name, existing, except: null);
    }

    public static Decision CanRename(FailoverGroup group, string? name, IReadOnlyCollection<FailoverGroup> existing)
    {
        ArgumentNullException.ThrowIfNull(group);
        return CheckName(name, existing, except: group.Id);
    }

    public static Decision CanDelete(FailoverGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.IsDefault
            ? Decision.Refuse(Rules.DefaultUndeletable, $"'{group.Name}' is the default failover group and cannot be deleted.")
            : Decision.Allowed;
    }

    /// <summary>Whether <paramref name="server"/>, now in <paramref name="currentGroup"/>, may join <paramref name="target"/>.</summary>
    public static Decision CanAddServer(
        string server, FailoverGroup? currentGroup, FailoverGroup target, int serversInTarget, InventoryLimits limits)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(limits);
        if (currentGroup is not null && currentGroup.Id == target.Id)
        {
            return Decision.Refuse(Rules.ServerAlreadyInGroup, $"'{server}' is already in '{target.Name}'.");
        }

        if (currentGroup is not null)
        {
            return Decision.Refuse(Rules.ServerInOtherGroup,
                $"'{server}' already belongs to '{currentGroup.Name}'; a server belongs to at most one group.");
        }

        return serversInTarget >= limits.MaxServersPerGroup
            ? Decision.Refuse(Rules.ServerLimit,
                $"'{target.Name}' already holds {serversInTarget} servers; a group holds at most {limits.MaxServersPerGroup}.")
            : Decision.Allowed;
    }

    private static Decision CheckName(string? name, IReadOnlyCollection<FailoverGroup> existing, GroupId? except)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Decision.Refuse(Rules.NameEmpty, "A group name needs at least one visible character.");
        }

        var length = new StringInfo(name).LengthInTextElements;
        if (length > MaxNameLength)
        {
            return Decision.Refuse(Rules.NameTooLong, $"A group name has at most {MaxNameLength} characters; this one has {length}.");
        }

        if (name.Any(char.IsControl) || char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1]))
        {
            return Decision.Refuse(Rules.NameInvalid,
                "A group name cannot contain control characters or start or end with a space.");
        }

        var clash = existing.FirstOrDefault(g => g.Id != except && string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
        return clash is null
            ? Decision.Allowed
            : Decision.Refuse(Rules.NameDuplicate, $"A group named '{clash.Name}' already exists.");
    }
}

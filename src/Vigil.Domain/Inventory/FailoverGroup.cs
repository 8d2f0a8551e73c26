namespace Vigil.Domain.Inventory;

/// <summary>A failover group: standbys protect only the recording servers of their own group.</summary>
public sealed record FailoverGroup(GroupId Id, string Name, bool ProtectionEnabled, bool IsDefault)
{
    /// <summary>The group that exists from the first start and cannot be deleted.</summary>
    public const string DefaultName = "Failover Group 1";
}

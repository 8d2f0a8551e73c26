using Vigil.Domain.Failover;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;

namespace Vigil.Domain.Status;

/// <summary>What the CMS currently believes about a server's health, with the problem seen if any.</summary>
public sealed record ServerHealth(HealthState State, string? Problem = null)
{
    public static ServerHealth Healthy { get; } = new(HealthState.Healthy);
}

/// <summary>
/// The stored facts and current health of one failover group's servers: everything a status is derived
/// from. <paramref name="Group"/> is null for servers that belong to no group.
/// </summary>
public sealed record GroupSnapshot(
    FailoverGroup? Group,
    IReadOnlyList<ManagedServer> Servers,
    IReadOnlyDictionary<ServerId, ServerHealth> Health,
    IReadOnlyList<FailoverEpisode> OpenEpisodes)
{
    /// <summary>A server not yet probed counts as healthy: it answered when it was added.</summary>
    public ServerHealth HealthOf(ServerId id) => Health.GetValueOrDefault(id) ?? ServerHealth.Healthy;

    public string NameOf(ServerId id) => Servers.FirstOrDefault(s => s.Id == id)?.Name ?? id.ToString();
}

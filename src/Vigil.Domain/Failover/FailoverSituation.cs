using Vigil.Domain.Health;
using Vigil.Domain.Inventory;

namespace Vigil.Domain.Failover;

/// <summary>Everything one failover round decides from: the inventory, health, open episodes and settings, read once.</summary>
/// <param name="Health">Each server's health; a server not in it counts as healthy.</param>
/// <param name="HighestEpoch">The highest epoch ever issued; this round's takeovers carry the next ones.</param>
public sealed record FailoverSituation(
    IReadOnlyList<FailoverGroup> Groups,
    IReadOnlyList<ManagedServer> Servers,
    IReadOnlyDictionary<ServerId, HealthState> Health,
    IReadOnlyList<FailoverEpisode> Open,
    FailoverSettings Settings,
    Epoch HighestEpoch,
    Version CmsVersion)
{
    /// <summary>The problem the probes saw on a failed server, where known.</summary>
    public IReadOnlyDictionary<ServerId, string> Problems { get; init; } = new Dictionary<ServerId, string>();

    public HealthState HealthOf(ServerId id) => Health.GetValueOrDefault(id, HealthState.Healthy);
}

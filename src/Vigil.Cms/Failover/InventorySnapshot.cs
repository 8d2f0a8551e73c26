using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Storage;
using Vigil.Domain;
using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;
using Vigil.Domain.Status;

namespace Vigil.Cms.Failover;

/// <summary>The groups and servers as one failover round sees them, read once.</summary>
internal sealed class InventorySnapshot(IReadOnlyList<FailoverGroup> groups, IReadOnlyList<ManagedServer> servers)
{
    private Dictionary<ServerId, ManagedServer>? _byId;

    public IReadOnlyList<FailoverGroup> Groups { get; } = groups;

    public IReadOnlyList<ManagedServer> Servers { get; } = servers;

    public static async Task<InventorySnapshot> ReadAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        var groups = await db.Groups.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var servers = await db.Servers.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        return new InventorySnapshot(groups.Select(AgentInventory.ToDomain).ToList(), servers.Select(AgentInventory.ToDomain).ToList());
    }

    /// <summary>
    /// The same with the servers taken from the <see cref="ServerDirectory"/>'s copy, which is read again after any
    /// committed write to the servers table: for the readers that run every round (the engine, the protection watch) and
    /// only read. An operator's command reads the database itself, inside its own transaction.
    /// </summary>
    public static async Task<InventorySnapshot> ReadAsync(CmsDbContext db, ServerDirectory directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var groups = await db.Groups.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        var servers = await directory.ReadDomainAsync(cancellationToken).ConfigureAwait(false);
        return new InventorySnapshot(groups.Select(AgentInventory.ToDomain).ToList(), servers);
    }

    /// <summary>Looked up, not searched: a round that opens a thousand episodes finds each one's server, among 10 000.</summary>
    public ManagedServer? Find(ServerId id) => (_byId ??= Servers.ToDictionary(s => s.Id)).GetValueOrDefault(id);

    public bool Exists(ServerId id) => Find(id) is not null;

    public FailoverGroup? GroupOf(ManagedServer server) => Groups.FirstOrDefault(g => g.Id == server.Group);

    /// <summary>Every grouped server's status as operators see it now.</summary>
    public Dictionary<ServerId, ServerStatus> Statuses(StatusDerivation derivation, HealthBoard board, IReadOnlyList<FailoverEpisode> open)
    {
        var health = Servers.ToDictionary(s => s.Id, s => board.HealthOf(s.Id.Value));
        var members = Servers.ToLookup(s => s.Group);
        var episodes = open.ToLookup(e => e.Group);
        var statuses = new Dictionary<ServerId, ServerStatus>();
        foreach (var group in Groups)
        {
            // Looked up, not filtered per group: the protection watch asks every second, and at 10 000 servers in groups of
            // 64 a filter per group went through every server 157 times.
            var snapshot = new GroupSnapshot(group, members[group.Id].ToList(), health, episodes[group.Id].ToList());
            foreach (var (id, status) in derivation.Derive(snapshot))
            {
                statuses[id] = status;
            }
        }

        return statuses;
    }
}

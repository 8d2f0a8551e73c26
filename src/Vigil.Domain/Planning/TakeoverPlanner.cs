namespace Vigil.Domain.Planning;

/// <summary>
/// Chooses which standby takes over which failed recording server. A standby protects only servers of
/// its own group, only one at a time, and only when it has enough license channels and free space.
/// Within a group, failed servers are considered in priority order, and each is protected whenever the
/// servers already chosen can still all be protected with it (an augmenting path in the bipartite
/// graph of "standby can protect server"). That protects as many servers as possible, and among such
/// choices prefers the higher-priority servers. Each server first tries its free standbys in the
/// group's preference order (priority, then best fit: the fewest license channels and free space that
/// suffice, keeping larger standbys for larger servers).
/// </summary>
public static class TakeoverPlanner
{
    public const string AllTakenReason = "every suitable standby is protecting a higher-priority server";

    public static TakeoverPlan Plan(IEnumerable<FailedServer> failed, IEnumerable<StandbyCandidate> standbys)
    {
        ArgumentNullException.ThrowIfNull(failed);
        ArgumentNullException.ThrowIfNull(standbys);

        var standbysByGroup = standbys
            .GroupBy(s => s.Group)
            .ToDictionary(g => g.Key, g => g.ToList());
        var assignments = new List<Assignment>();
        var unprotected = new List<UnprotectedServer>();

        foreach (var group in failed.GroupBy(s => s.Group).OrderBy(g => g.Key.Value))
        {
            var groupStandbys = standbysByGroup.GetValueOrDefault(group.Key) ?? [];
            var servers = group.OrderBy(s => s.Priority).ThenBy(s => s.Id.Value).ToList();
            var matching = new GroupMatching(servers, groupStandbys);
            foreach (var server in servers)
            {
                if (!matching.TryProtect(server))
                {
                    unprotected.Add(new UnprotectedServer(server.Id, Coverage.WhyUncovered(server, groupStandbys) ?? AllTakenReason));
                }
            }

            assignments.AddRange(matching.Assignments(servers));
        }

        return new TakeoverPlan(assignments, unprotected);
    }

    /// <summary>The matching of one group's failed servers to its standbys, grown one server at a time.</summary>
    private sealed class GroupMatching
    {
        private readonly List<StandbyCandidate> _preference;
        private readonly Dictionary<ServerId, List<int>> _candidates = [];
        private readonly FailedServer?[] _owner;
        private readonly Dictionary<ServerId, int> _standbyOf = [];
        private readonly bool[] _visited;

        public GroupMatching(IReadOnlyCollection<FailedServer> servers, IEnumerable<StandbyCandidate> standbys)
        {
            _preference = standbys
                .Where(s => s.IsAvailable)
                .OrderBy(s => s.Priority)
                .ThenBy(s => s.LicenseChannels)
                .ThenBy(s => s.FreeBytes)
                .ThenBy(s => s.Id.Value)
                .ToList();
            _owner = new FailedServer?[_preference.Count];
            _visited = new bool[_preference.Count];
            foreach (var server in servers)
            {
                _candidates[server.Id] = Enumerable.Range(0, _preference.Count).Where(i => _preference[i].CanProtect(server)).ToList();
            }
        }

        public bool TryProtect(FailedServer server)
        {
            var candidates = _candidates[server.Id];
            foreach (var index in candidates)
            {
                if (_owner[index] is null)
                {
                    Assign(index, server);
                    return true;
                }
            }

            Array.Clear(_visited);
            return TryAugment(server);
        }

        public IEnumerable<Assignment> Assignments(IEnumerable<FailedServer> inPriorityOrder) =>
            inPriorityOrder
                .Where(s => _standbyOf.ContainsKey(s.Id))
                .Select(s => new Assignment(s.Id, _preference[_standbyOf[s.Id]].Id));

        /// <summary>Finds a standby for <paramref name="server"/>, moving already protected servers to other standbys if that frees one.</summary>
        private bool TryAugment(FailedServer server)
        {
            foreach (var index in _candidates[server.Id])
            {
                if (_visited[index])
                {
                    continue;
                }

                _visited[index] = true;
                var owner = _owner[index];
                if (owner is null || TryAugment(owner))
                {
                    Assign(index, server);
                    return true;
                }
            }

            return false;
        }

        private void Assign(int index, FailedServer server)
        {
            _owner[index] = server;
            _standbyOf[server.Id] = index;
        }
    }
}

namespace Vigil.Domain.Drills;

/// <summary>Which recording servers a scheduled round drills, in the order they run (one at a time).</summary>
public static class DrillRotation
{
    /// <param name="recordingServers">Every enabled recording server in a group.</param>
    /// <param name="chosen">The servers the schedule names; empty is every recording server.</param>
    public static IReadOnlyList<ServerId> Round(IEnumerable<ServerId> recordingServers, IReadOnlyList<ServerId> chosen)
    {
        ArgumentNullException.ThrowIfNull(recordingServers);
        ArgumentNullException.ThrowIfNull(chosen);
        var all = recordingServers.OrderBy(s => s.Value).ToList();
        return chosen.Count == 0 ? all : chosen.Where(all.Contains).Distinct().ToList();
    }
}

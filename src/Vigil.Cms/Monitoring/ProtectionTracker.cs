namespace Vigil.Cms.Monitoring;

/// <summary>
/// Decides when a recording server has lost, or regained, its protection (a ready standby in its group) for long
/// enough to tell anyone: a change must hold for <see cref="Hold"/>, so a standby that is busy for a moment, or the
/// instant between a failure and its takeover, raises nothing. Pure; the caller brings the statuses and the time.
/// </summary>
internal sealed class ProtectionTracker(TimeSpan hold)
{
    private readonly Dictionary<int, bool> _reported = [];
    private readonly Dictionary<int, (bool Protected, DateTimeOffset Since)> _seen = [];

    public TimeSpan Hold { get; } = hold;

    /// <summary>What was last reported for a server (from the event log, at start); a server never reported counts as protected.</summary>
    public void Remember(int serverId, bool isProtected) => _reported[serverId] = isProtected;

    /// <summary>
    /// Takes the protection of every recording server that has one now (servers that are disabled or not grouped are
    /// left out, and forgotten) and answers the changes to report, each once.
    /// </summary>
    public IReadOnlyList<(int ServerId, bool IsProtected)> Observe(IReadOnlyDictionary<int, bool> current, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        foreach (var gone in _seen.Keys.Where(id => !current.ContainsKey(id)).ToList())
        {
            _seen.Remove(gone);
        }

        var changes = new List<(int, bool)>();
        foreach (var (id, isProtected) in current)
        {
            if (!_seen.TryGetValue(id, out var seen) || seen.Protected != isProtected)
            {
                seen = (isProtected, now);
                _seen[id] = seen;
            }

            if (isProtected != _reported.GetValueOrDefault(id, true) && now - seen.Since >= Hold)
            {
                _reported[id] = isProtected;
                changes.Add((id, isProtected));
            }
        }

        return changes;
    }
}

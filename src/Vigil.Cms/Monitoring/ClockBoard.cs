using System.Collections.Concurrent;
using Vigil.Contracts.Cms;
using Vigil.Domain.Clock;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// Each server's clock against the CMS's, from its last answered probe. Fed by every probe, so it costs one
/// dictionary look-up and a comparison; the event log hears only when a drift starts or ends.
/// </summary>
public sealed class ClockBoard
{
    private readonly ConcurrentDictionary<int, ClockDrift> _servers = new();

    /// <summary>Takes a probe's reading; answers the drift's new state when it started (true) or ended (false), else null.</summary>
    public bool? Observe(int serverId, ClockReading reading)
    {
        var drift = _servers.GetOrAdd(serverId, _ => new ClockDrift());
        lock (drift)
        {
            return drift.Observe(reading) ? drift.Drifting : null;
        }
    }

    public ClockView? ViewOf(int serverId)
    {
        if (!_servers.TryGetValue(serverId, out var drift))
        {
            return null;
        }

        lock (drift)
        {
            return drift.Last is { } last
                ? new ClockView(Math.Round(last.Offset.TotalSeconds, 3), Math.Round(last.Uncertainty.TotalSeconds, 3), drift.Drifting, ClockDrift.Limit.TotalSeconds)
                : null;
        }
    }

    public void Forget(int serverId) => _servers.TryRemove(serverId, out _);
}

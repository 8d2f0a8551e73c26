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
    private readonly ConcurrentDictionary<int, (string Serial, ClockDrift Drift)> _servers = new();

    /// <summary>
    /// Takes a probe's reading; answers the drift's new state when it started (true) or ended (false), else null. Kept
    /// per server id and serial: a deleted server's id given to another agent starts afresh.
    /// </summary>
    public bool? Observe(int serverId, string serial, ClockReading reading)
    {
        var (_, drift) = _servers.AddOrUpdate(serverId, _ => (serial, new ClockDrift()),
            (_, known) => string.Equals(known.Serial, serial, StringComparison.Ordinal) ? known : (serial, new ClockDrift()));
        lock (drift)
        {
            return drift.Observe(reading) ? drift.Drifting : null;
        }
    }

    public ClockView? ViewOf(int serverId)
    {
        if (!_servers.TryGetValue(serverId, out var entry))
        {
            return null;
        }

        var drift = entry.Drift;
        lock (drift)
        {
            return drift.Last is { } last
                ? new ClockView(Math.Round(last.Offset.TotalSeconds, 3), Math.Round(last.Uncertainty.TotalSeconds, 3), drift.Drifting, ClockDrift.Limit.TotalSeconds)
                : null;
        }
    }
}

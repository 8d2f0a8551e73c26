using System.Diagnostics;
using Vigil.Testing;

namespace Vigil.Bench.Fleet;

/// <summary>The CMS process's CPU use in each second of a window (1.0 = one full core), and how often the fleet was probed meanwhile.</summary>
/// <param name="ProbesPerServerPerSecond">Health probes answered per managed server per second: 1.0 at a 1 Hz probe interval.</param>
/// <param name="FleetAverage">The fleet's own processes in the same window: what the CMS shared the machine's cores with.</param>
/// <param name="DatabaseAverage">The PostgreSQL server's processes, when the CMS runs on one; null on SQLite (inside the CMS).</param>
public sealed record CpuUse(IReadOnlyList<double> PerSecond, double Average, double ProbesPerServerPerSecond, double FleetAverage, double? DatabaseAverage);

/// <summary>Per killed server, from its kill until the CMS recorded it failed; and how many it had not noticed by the deadline.</summary>
public sealed record Detection(IReadOnlyList<double> Seconds, int Unnoticed);

/// <summary>
/// Measures how a CMS copes with monitoring a <see cref="FleetSite"/>: whether it settles, its CPU use,
/// how many live servers it holds as failed, and how fast it notices deaths.
/// </summary>
public sealed class MonitoringMeter(FleetSite site)
{
    /// <summary>Apart from multiples of the probe interval, so that kills fall at every phase of a probe round.</summary>
    private static readonly TimeSpan KillSpacing = TimeSpan.FromMilliseconds(370);

    private static readonly TimeSpan EventDeadline = TimeSpan.FromMinutes(2);
    private const int EventsPerServer = 50;

    /// <summary>
    /// Waits until every managed server answered <paramref name="probes"/> more probes and the CMS holds
    /// none of them as failed; false if that did not happen by <paramref name="deadline"/>.
    /// </summary>
    public async Task<bool> SettleAsync(int probes, TimeSpan deadline, CancellationToken cancellationToken)
    {
        var servers = site.Managed;
        var from = await site.Fleet.ProbesAsync(cancellationToken);
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                var now = await site.Fleet.ProbesAsync(cancellationToken);
                return servers.All(s => now[s.Index] - from[s.Index] >= probes);
            }, deadline, $"every server to answer {probes} probes");
            await Eventually.UntilAsync(async () => await HeldFailedAsync(cancellationToken) == 0, deadline, "the CMS to hold no server as failed");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>How many recording servers the CMS holds as failed (abnormal) now; null when it does not answer in time.</summary>
    public async Task<int?> HeldFailedAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await site.Cms.StatusAsync(cancellationToken);
            return status.Recording.Where(s => s.Key.StartsWith("abnormal", StringComparison.Ordinal)).Sum(s => s.Value);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    public async Task<CpuUse> CpuAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var pid = site.Cms.ProcessId;
        var servers = site.Managed;
        var probesBefore = Probes(servers, await site.Fleet.ProbesAsync(cancellationToken));
        var fleetStart = FleetCpu();
        var databaseStart = DatabaseCpu();
        var clock = Stopwatch.StartNew();
        var start = ProcessCpu.Used(pid);
        var (last, lastAt) = (start, TimeSpan.Zero);
        var perSecond = new List<double>();
        while (clock.Elapsed < window)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var (used, at) = (ProcessCpu.Used(pid), clock.Elapsed);
            perSecond.Add((used - last) / (at - lastAt));
            (last, lastAt) = (used, at);
        }

        var fleetUsed = FleetCpu() - fleetStart;
        var databaseUsed = DatabaseCpu() - databaseStart;
        var probes = Probes(servers, await site.Fleet.ProbesAsync(cancellationToken)) - probesBefore;
        return new CpuUse(perSecond, (last - start) / lastAt, probes / lastAt.TotalSeconds / servers.Count, fleetUsed / clock.Elapsed,
            databaseUsed / clock.Elapsed);
    }

    private static long Probes(IReadOnlyList<FleetMember> servers, long[] counts) => servers.Sum(s => counts[s.Index]);

    private static TimeSpan? DatabaseCpu() => BenchDatabase.UsesPostgres ? ProcessCpu.UsedByName("postgres") : null;

    private TimeSpan FleetCpu() => site.Fleet.ProcessIds.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcessCpu.Used(pid));

    /// <summary>
    /// Kills <paramref name="kills"/> recording servers one at a time and times how long the CMS takes to
    /// record each as failed. At most half the managed servers are dead at once; when more kills are asked
    /// for, the dead come back and must be healthy again (a whole stabilisation period) before the next round.
    /// </summary>
    public async Task<Detection> DetectAsync(int kills, CancellationToken cancellationToken)
    {
        var candidates = site.Managed.Where(s => s.Role == VirtualRole.Recording).ToList();
        var perRound = Math.Clamp(kills, 1, Math.Max(1, candidates.Count / 2));

        // Spread over the fleet and its groups rather than the first few added.
        var victims = Enumerable.Range(0, perRound).Select(i => candidates[i * candidates.Count / perRound]).ToList();
        var seconds = new List<double>();
        try
        {
            while (seconds.Count < kills)
            {
                var round = victims.Take(kills - seconds.Count).ToList();
                seconds.AddRange(await KillAndTimeAsync(round, cancellationToken));
                if (seconds.Count < kills)
                {
                    await ReviveAsync(round, cancellationToken);
                }
            }
        }
        catch (TimeoutException)
        {
            // Reported as the kills it did not notice.
        }

        return new Detection(seconds, kills - seconds.Count);
    }

    private async Task<List<double>> KillAndTimeAsync(List<FleetMember> victims, CancellationToken cancellationToken)
    {
        var killedAt = new Dictionary<int, DateTimeOffset>();
        foreach (var victim in victims)
        {
            if (killedAt.Count > 0)
            {
                await Task.Delay(KillSpacing, cancellationToken);
            }

            killedAt[site.IdOf(victim)] = DateTimeOffset.UtcNow;
            await site.Fleet.KillAsync([victim], cancellationToken);
        }

        // The CMS stamps a health change when it decides it, so polling late costs no accuracy.
        var failedAt = await FirstEventsAsync(killedAt, "failed", cancellationToken);
        return killedAt.Select(k => (failedAt[k.Key] - k.Value).TotalSeconds).ToList();
    }

    private async Task ReviveAsync(List<FleetMember> victims, CancellationToken cancellationToken)
    {
        var revivedAt = DateTimeOffset.UtcNow;
        await site.Fleet.ReviveAsync(victims, cancellationToken);

        await FirstEventsAsync(victims.ToDictionary(site.IdOf, _ => revivedAt), "healthy", cancellationToken);
    }

    /// <summary>
    /// For each server, the time of its first health change to <paramref name="state"/> since the time
    /// given; polls one server's events at a time, so watching costs the CMS little.
    /// </summary>
    private async Task<Dictionary<int, DateTimeOffset>> FirstEventsAsync(Dictionary<int, DateTimeOffset> since, string state, CancellationToken cancellationToken)
    {
        var pending = new Queue<int>(since.Keys);
        var found = new Dictionary<int, DateTimeOffset>();
        await Eventually.UntilAsync(async () =>
        {
            var id = pending.Peek();
            var first = (await site.Cms.EventsOfAsync(id, EventsPerServer, cancellationToken))
                .Where(e => e.Kind == "health" && e.To == state && e.At >= since[id])
                .MinBy(e => e.At);
            pending.Dequeue();
            if (first is null)
            {
                pending.Enqueue(id);
            }
            else
            {
                found[id] = first.At;
            }

            return pending.Count == 0;
        }, EventDeadline, $"the CMS to record {since.Count} servers as {state}");
        return found;
    }
}

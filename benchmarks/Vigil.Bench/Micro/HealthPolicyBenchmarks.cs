using BenchmarkDotNet.Attributes;
using Vigil.Domain.Health;

namespace Vigil.Bench.Micro;

/// <summary>
/// One round of the health policy at 10 000 servers: every tracker takes one probe result, as the CMS's
/// monitor does each probe interval. One in a hundred servers misses, so trackers change state too.
/// </summary>
public class HealthPolicyBenchmarks
{
    public const int Servers = 10_000;

    private HealthTracker[] _trackers = [];
    private ProbeResult[] _probes = [];

    [GlobalSetup]
    public void Setup()
    {
        _trackers = Enumerable.Range(0, Servers).Select(_ => new HealthTracker(HealthPolicy.Default, TimeProvider.System)).ToArray();
        _probes = Enumerable.Range(0, Servers).Select(i => i % 100 == 0 ? ProbeResult.Unreachable : ProbeResult.Ok).ToArray();
    }

    [Benchmark(Description = "10 000 probes")]
    public int Round()
    {
        var changes = 0;
        for (var i = 0; i < _trackers.Length; i++)
        {
            if (_trackers[i].Observe(_probes[i]) is not null)
            {
                changes++;
            }
        }

        return changes;
    }
}

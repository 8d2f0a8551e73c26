using BenchmarkDotNet.Attributes;
using Vigil.Domain;
using Vigil.Domain.Planning;

namespace Vigil.Bench.Micro;

/// <summary>
/// The takeover planner at the size the target names: 10 000 recording and 1 000 standby servers, 1 000 of
/// them failed at once. Spread as a site would be (100 groups of 100 + 10, ten failures in each) and,
/// as a stress, in one group where every standby could take every failed server.
/// </summary>
[MemoryDiagnoser]
public class PlannerBenchmarks
{
    public const int Recording = 10_000;
    public const int Standbys = 1_000;
    public const int Failed = 1_000;

    private List<FailedServer> _spreadFailed = [];
    private List<StandbyCandidate> _spreadStandbys = [];
    private List<FailedServer> _oneGroupFailed = [];
    private List<StandbyCandidate> _oneGroupStandbys = [];

    [GlobalSetup]
    public void Setup()
    {
        const int groups = 100;
        var random = new Random(20261124);
        _spreadFailed = Enumerable.Range(0, Recording)
            .Where(i => i % (Recording / Failed) == 0)
            .Select(i => new FailedServer(new ServerId(i + 1), new GroupId((i % groups) + 1), i / groups, random.Next(8, 33), 1L << 30))
            .ToList();
        _spreadStandbys = Enumerable.Range(0, Standbys)
            .Select(i => new StandbyCandidate(new ServerId(Recording + i + 1), new GroupId((i % groups) + 1), i / groups, true, true, random.Next(16, 65), 1L << 40))
            .ToList();
        _oneGroupFailed = _spreadFailed.Select(f => f with { Group = new GroupId(1) }).ToList();
        _oneGroupStandbys = _spreadStandbys.Select(s => s with { Group = new GroupId(1) }).ToList();
    }

    [Benchmark(Description = "100 groups")]
    public TakeoverPlan Spread() => TakeoverPlanner.Plan(_spreadFailed, _spreadStandbys);

    [Benchmark(Description = "one group")]
    public TakeoverPlan OneGroup() => TakeoverPlanner.Plan(_oneGroupFailed, _oneGroupStandbys);
}

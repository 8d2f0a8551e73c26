using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Vigil.Cms.Tests.Support;
using Xunit.Abstractions;

namespace Vigil.Cms.Tests.Simulation;

/// <summary>
/// The deterministic simulation: many seeded schedules of faults and operator actions against the real failover
/// engine, each checked against the footage-safety invariants after every tick. <c>VIGIL_SIM_SCHEDULES</c> sets how
/// many (default 1200, which keeps <c>./test</c> within its time; <c>./chaos</c> runs any number), <c>VIGIL_SIM_SEED</c>
/// replays one seed and prints its schedule. It keeps both cores busy, so it runs in the collection of the real-process tests, one after another, rather than beside their timings.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class SimulationTests(ITestOutputHelper output)
{
    private const int DefaultSchedules = 1200;

    [Fact]
    public async Task Seeded_schedules_keep_every_invariant()
    {
        var single = Environment.GetEnvironmentVariable("VIGIL_SIM_SEED");
        var seeds = single is not null
            ? [int.Parse(single, CultureInfo.InvariantCulture)]
            : Enumerable.Range(1, int.TryParse(Environment.GetEnvironmentVariable("VIGIL_SIM_SCHEDULES"), out var n) ? n : DefaultSchedules).ToArray();
        var failures = new ConcurrentBag<(int Seed, List<string> Violations, List<string> Log)>();
        var faults = new ConcurrentDictionary<string, int>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(seeds, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (seed, _) =>
        {
            var schedule = new SimSchedule(seed);
            var violations = await schedule.RunAsync();
            foreach (var (kind, count) in schedule.Faults)
            {
                faults.AddOrUpdate(kind, count, (_, c) => c + count);
            }

            if (violations.Count > 0 || single is not null)
            {
                failures.Add((seed, violations, schedule.Log));
            }
        });

        output.WriteLine($"{seeds.Length} schedules in {clock.Elapsed.TotalSeconds:0.0} s; injected: "
            + string.Join(", ", faults.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value}")));
        foreach (var (seed, violations, log) in failures.OrderBy(f => f.Seed).Take(3))
        {
            output.WriteLine($"seed {seed}: {string.Join("; ", violations)}");
            output.WriteLine("  " + string.Join("\n  ", log));
        }

        failures.Where(f => f.Violations.Count > 0).Select(f => $"seed {f.Seed}: {f.Violations[0]}").OrderBy(f => f, StringComparer.Ordinal).ShouldBeEmpty();
    }
}

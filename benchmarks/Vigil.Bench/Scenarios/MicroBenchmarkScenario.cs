using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Vigil.Bench.Measurement;
using Vigil.Bench.Micro;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// The pure parts measured by BenchmarkDotNet in this process: the takeover planner against its 100 ms
/// target, and one round of the health policy at 10 000 servers (no target of its own: it bounds how much
/// of the monitor's CPU is the policy rather than HTTP).
/// </summary>
public sealed class MicroBenchmarkScenario : IScenario
{
    public string Name => "planner";

    public string Title => "Planner and health policy (BenchmarkDotNet)";

    public int Order => 10;

    public Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);

        // In process: no generated project to build, and the figures are this build's own.
        var job = (options.Quick ? Job.Dry.WithIterationCount(5) : Job.ShortRun).WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty().AddJob(job).AddLogger(new TextLogger(options.Log))
            .AddColumnProvider(DefaultColumnProviders.Instance).WithOptions(ConfigOptions.DisableLogFile);
        var planner = BenchmarkRunner.Run<PlannerBenchmarks>(config);
        var health = BenchmarkRunner.Run<HealthPolicyBenchmarks>(config);

        var figures = new List<Figure>();
        foreach (var report in planner.Reports)
        {
            var samples = Milliseconds(report);
            var description = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
            figures.Add(new Figure(
                $"planner, {PlannerBenchmarks.Recording} recording + {PlannerBenchmarks.Standbys} standby, {PlannerBenchmarks.Failed} failed ({description})",
                "ms", samples, "≤ 100 ms", samples.Count > 0 && Measurement.Summary.Of(samples).Median <= 100,
                $"TakeoverPlanner.Plan, {samples.Count} measured iterations; allocated {report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) / 1024} KiB per plan."));
        }

        foreach (var report in health.Reports)
        {
            var samples = Milliseconds(report);
            figures.Add(new Figure(
                $"health policy, one probe round at {HealthPolicyBenchmarks.Servers} servers", "ms", samples, "none (part of the monitor's CPU)", null,
                "HealthTracker.Observe for every server once; at 1 Hz this is the policy's share of a core per second."));
        }

        return Task.FromResult(new ScenarioResult(figures, [], []));
    }

    private static List<double> Milliseconds(BenchmarkReport report) =>
        report.AllMeasurements.Where(m => m.IterationStage == BenchmarkDotNet.Engines.IterationStage.Result)
            .Select(m => m.Nanoseconds / m.Operations / 1e6).ToList();

    /// <summary>BenchmarkDotNet's own progress, into the bench's log.</summary>
    private sealed class TextLogger(TextWriter writer) : ILogger
    {
        public string Id => nameof(TextLogger);

        public int Priority => 0;

        public void Write(LogKind logKind, string text) => writer.Write(text);

        public void WriteLine() => writer.WriteLine();

        public void WriteLine(LogKind logKind, string text) => writer.WriteLine(text);

        public void Flush() => writer.Flush();
    }
}

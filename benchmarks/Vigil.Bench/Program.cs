using System.Diagnostics;
using Vigil.Bench.Fleet;
using Vigil.Bench.Measurement;
using Vigil.Bench.Report;

// The bench starts copies of itself as the fleet's processes.
if (args.Length > 0 && args[0] == FleetShard.Command)
{
    return await FleetShard.RunAsync(args[1..]);
}

// ./bench [--quick] [--only NAME[,NAME]] [--report FILE]: runs every scenario (each IScenario in this
// assembly), prints one line per figure, and writes the report with its plots beside it.
var quick = args.Contains("--quick");
var only = Value("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var reportPath = Path.GetFullPath(Value("--report") ?? (quick ? Path.Combine("artifacts", "bench", "benchmarks.md") : Path.Combine("docs", "benchmarks.md")));
var plots = Path.Combine(Path.GetDirectoryName(reportPath)!, "benchmarks");
Directory.CreateDirectory(plots);

var scenarios = typeof(IScenario).Assembly.GetTypes()
    .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IScenario).IsAssignableFrom(t))
    .Select(t => (IScenario)Activator.CreateInstance(t)!)
    .Where(s => only is null ? !s.OnlyWhenNamed : only.Contains(s.Name))
    .OrderBy(s => s.Order)
    .ToList();
if (scenarios.Count == 0)
{
    Console.Error.WriteLine($"bench: no scenario named {string.Join(", ", only ?? [])}.");
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
var options = new BenchOptions(quick, plots, Console.Out);
var results = new List<(IScenario Scenario, ScenarioResult Result, TimeSpan Took)>();
var failed = false;
foreach (var scenario in scenarios)
{
    Console.WriteLine($"==> {scenario.Title}{(quick ? " (quick)" : string.Empty)}");
    var clock = Stopwatch.StartNew();
    try
    {
        var result = await scenario.RunAsync(options, stop.Token);
        results.Add((scenario, result, clock.Elapsed));
        foreach (var figure in result.Figures)
        {
            Console.WriteLine(BenchmarkReport.Line(figure));
        }
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        failed = true;
        Console.Error.WriteLine($"bench: {scenario.Name} failed: {e}");
        results.Add((scenario, new ScenarioResult([], [], [$"This scenario failed in this run: {e.Message}"]), clock.Elapsed));
    }
}

var command = "./bench" + (quick ? " --quick" : string.Empty) + (only is null ? string.Empty : $" --only {string.Join(',', only)}");
await File.WriteAllTextAsync(reportPath, BenchmarkReport.Render(results, command, quick, await MachineInfo.ReadAsync()));
Console.WriteLine($"==> Report: {reportPath}");
return failed ? 1 : 0;

string? Value(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

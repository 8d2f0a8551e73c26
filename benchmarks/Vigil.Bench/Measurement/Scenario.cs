namespace Vigil.Bench.Measurement;

/// <summary>What every scenario is told: the reduced run or the full one, and where its plots go.</summary>
/// <param name="Quick">The reduced version (<c>./bench --quick</c>): fewer trials and smaller fleets, about 10 minutes in all on two cores.</param>
/// <param name="PlotDirectory">Where a scenario writes its SVG plots; the report links them by file name.</param>
/// <param name="Log">Progress lines for the operator watching the run.</param>
public sealed record BenchOptions(bool Quick, string PlotDirectory, TextWriter Log);

/// <summary>An SVG image a scenario wrote into <see cref="BenchOptions.PlotDirectory"/>, with its caption.</summary>
public sealed record Plot(string FileName, string Caption);

/// <summary>What a scenario measured: its figures, its plots, and notes on how (fleet simulator, settings, …).</summary>
public sealed record ScenarioResult(IReadOnlyList<Figure> Figures, IReadOnlyList<Plot> Plots, IReadOnlyList<string> Notes);

/// <summary>One measured situation, run end to end with real processes (or the planner in process).</summary>
public interface IScenario
{
    /// <summary>The name <c>./bench --only NAME</c> selects it by.</summary>
    string Name { get; }

    /// <summary>A heading for the report.</summary>
    string Title { get; }

    /// <summary>Where it comes in the run and the report: cheap in-process figures first, real fleets last.</summary>
    int Order { get; }

    /// <summary>Runs only when named with <c>--only</c> (a long run that measures no speed target, such as the chaos run).</summary>
    bool OnlyWhenNamed => false;

    Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken);
}

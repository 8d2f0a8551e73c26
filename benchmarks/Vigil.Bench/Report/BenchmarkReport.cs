using System.Globalization;
using System.Text;
using Vigil.Bench.Measurement;

namespace Vigil.Bench.Report;

/// <summary><c>docs/benchmarks.md</c>: every figure beside its target, the machine, how to reproduce, and the plots.</summary>
public static class BenchmarkReport
{
    /// <summary>The one line per figure that <c>./bench</c> prints as it goes.</summary>
    public static string Line(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        var s = figure.Summary;
        var verdict = figure.Met switch { true => "met", false => "MISSED", null => "-" };
        return string.Create(CultureInfo.InvariantCulture,
            $"  {figure.Name}: median {Format(s.Median)} {figure.Unit}, p95 {Format(s.P95)}, max {Format(s.Max)} (n={s.Count}); target {figure.Target}: {verdict}");
    }

    public static string Render(IReadOnlyList<(IScenario Scenario, ScenarioResult Result, TimeSpan Took)> results, string command, bool quick, MachineInfo machine)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(machine);
        var md = new StringBuilder();
        md.AppendLine("# Vigil benchmarks").AppendLine();
        md.AppendLine(quick
            ? "Results of a **quick** run (fewer trials, smaller fleets): indicative only. The published figures come from a full `./bench`."
            : "How fast Vigil fails over, measured on one machine in one run. Every figure below comes from the run described here; nothing is carried over from another run.");
        md.AppendLine();

        // This file is rewritten by every run; what a run means (what bounds each missed target, the changes measured on the
        // way, the scenarios run only when named) is written by hand in a file of its own, so no run erases it.
        md.AppendLine("What bounds each missed target, what would close it, and every change measured on the way: [benchmark-findings.md](benchmark-findings.md).");
        md.AppendLine();
        md.AppendLine("## Reproduce").AppendLine();
        md.AppendLine("```sh").AppendLine(command).AppendLine("```").AppendLine();
        md.AppendLine("`./bench` installs ffmpeg and GStreamer's RTSP server if they are missing, builds in Release, runs every scenario below and rewrites this file and the plots in `docs/benchmarks/`. `./bench --quick` runs a reduced version (about 10 minutes on two cores) and prints one line per figure; `--only NAME[,NAME]` runs some scenarios.");
        md.AppendLine();
        md.AppendLine("## Machine").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"- CPU: {machine.Cpu}, {machine.Cores} cores");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Memory: {machine.Memory}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- OS: {machine.Os}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- Runtime: {machine.Runtime}");
        md.AppendLine(CultureInfo.InvariantCulture, $"- ffmpeg: {machine.Ffmpeg}");
        md.AppendLine();
        md.AppendLine("## Summary").AppendLine();
        md.AppendLine("| figure | unit | n | min | median | p95 | max | target | met |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var figure in results.SelectMany(r => r.Result.Figures))
        {
            var s = figure.Summary;
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {figure.Name} | {figure.Unit} | {s.Count} | {Format(s.Min)} | {Format(s.Median)} | {Format(s.P95)} | {Format(s.Max)} | {figure.Target} | {figure.Met switch { true => "yes", false => "**no**", null => "–" }} |"));
        }

        foreach (var (scenario, result, took) in results)
        {
            md.AppendLine().AppendLine("## " + scenario.Title).AppendLine();
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"`--only {scenario.Name}`; this run took {took.TotalMinutes:0.0} min.")).AppendLine();
            foreach (var figure in result.Figures)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- **{figure.Name}** — {figure.Note}");
            }

            foreach (var note in result.Notes)
            {
                md.AppendLine().AppendLine(note);
            }

            foreach (var plot in result.Plots)
            {
                md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"![{plot.Caption}](benchmarks/{plot.FileName})").AppendLine().AppendLine(CultureInfo.InvariantCulture, $"*{plot.Caption}*");
            }
        }

        return md.ToString();
    }

    public static string Format(double value) => double.IsNaN(value)
        ? "–"
        : Math.Abs(value) >= 100 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.###", CultureInfo.InvariantCulture);
}

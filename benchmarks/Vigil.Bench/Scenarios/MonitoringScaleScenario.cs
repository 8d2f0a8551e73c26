using System.Globalization;
using Vigil.Bench.Fleet;
using Vigil.Bench.Measurement;
using Vigil.Bench.Report;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// One CMS monitoring ever more servers at the default 1 Hz probe interval: what it costs in CPU, and
/// whether it still notices a dead server as fast as with ten. A fleet simulator stands in for the agents.
/// A CMS that cannot keep up is measured as it is (how many servers it took, how many live ones it holds
/// as failed), never retried until it looks good.
/// </summary>
public sealed class MonitoringScaleScenario : IScenario
{
    private const int LargestSite = 10_000;
    private const double CpuTargetCores = 1;
    private const double UnchangedSlackSeconds = 0.5;
    private const double UnchangedRatio = 1.25;
    private const int SettleProbes = 3;
    private const double AddAllTargetSeconds = 60;
    private const double BatchTargetSeconds = 3;

    /// <summary>Said when some N did not settle; no run profiles the CMS, so the note sends the reader to what earlier profiles found.</summary>
    private const string UnsettledCause =
        "Where a CMS that does not settle spends its time is not measured by this run. What profiles of such runs found, and what was changed "
        + "for it, is in docs/benchmark-findings.md (monitoring scale).";

    /// <summary>Below this many probes per server per second, the report says what bounds the probing.</summary>
    private const double SlowProbing = 0.9;

    /// <summary>Probing "about once a second" at the largest N, the rate the CPU target is set at.</summary>
    private const double ProbingTarget = 0.95;

    /// <summary>Said when some N is probed less than <see cref="SlowProbing"/>; as above, from profiles of earlier runs, not of this one.</summary>
    private const string SlowProbingCause =
        "What bounds the probing where a server is probed less than once a second: the CMS's CPU per probe, on two cores it shares with the "
        + "fleet's processes and the bench (the CPU notes above give the fleet's share). A probe is an HTTP/1.1 request over TLS on the agent's monitor "
        + "connection, its JSON answer, and the health, clock and camera bookkeeping. A round lets at most 1 024 probes be in flight, so a "
        + "round over more servers than the CMS can serve in a second stretches past it, and every server is probed less often; while rounds "
        + "start late the CMS holds itself overloaded and sets aside the timeouts it sees, so detection waits rather than failing live servers "
        + "over. This run takes no profile; what the profiles of earlier runs found, and what would close the rest, is in "
        + "docs/benchmark-findings.md (monitoring scale).";

    public string Name => "monitoring-scale";

    public string Title => "Monitoring scale: one CMS probing N servers every second";

    public int Order => 50;

    public async Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var plan = options.Quick
            ? new Plan([10, 1000], TimeSpan.FromSeconds(10), 10, TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(1))
            : new Plan(ChosenSizes() ?? [10, 1000, 5000, LargestSite], TimeSpan.FromSeconds(20), 20, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2));
        var runs = new List<ScaleRun>();
        var unfit = new List<Unfit>();
        foreach (var size in plan.Sizes)
        {
            var (capacity, openFiles) = FleetShards.CmsCapacity(size);
            var measured = size;
            if (size > capacity)
            {
                // Measure the largest round fleet that fits instead, so the trend still reaches as far as this machine allows.
                unfit.Add(new Unfit(size, capacity, openFiles));
                measured = capacity / 1000 * 1000;
                options.Log.WriteLine(Invariant($"    N = {size} does not fit in {openFiles} open files; measuring N = {measured} instead"));
            }

            if (measured > (runs.Count == 0 ? 0 : runs[^1].Servers))
            {
                runs.Add(await MeasureAsync(measured, plan, options.Log, cancellationToken));
            }
        }

        var figures = runs.SelectMany(r => new[] { CpuFigure(r, plan), DetectionFigure(r, plan) }).ToList();
        if (runs[^1].Servers == LargestSite)
        {
            figures.Add(ProbingFigure(runs[^1]));
        }

        figures.AddRange(AddingFigures(runs[^1]));
        figures.AddRange(unfit.Select(u => UnfitFigure(u, runs[^1].Servers)));
        figures.Add(UnchangedFigure(runs[0], runs[^1], unfit.Count > 0));
        List<string> notes =
        [
            Invariant($"A fleet simulator stands in for the agents: processes of at most {FleetShards.ServersPerShard} virtual recording servers each (2 cameras each, no standbys), ")
            + "each virtual server a Kestrel endpoint on its own loopback port answering the agent API over https with one self-signed certificate "
            + "(HTTP/1.1 and HTTP/2 offered, as the real agent does), recording nothing; a killed virtual server looks like an agent whose process is "
            + "gone: it resets every new connection before TLS and aborts requests on those opened before. The CMS is the real, unchanged `vigil cms` on " + BenchDatabase.Described + " with default settings (probe every 1 s, 800 ms timeout, failure "
            + "after 3 misses, inventory copied from every agent every 10 s), its servers added by batch add in groups of 64 with the fleet's "
            + "certificate trusted (the group limit raised to fit); it probes each over HTTP/1.1 on one connection per server (commands go over a second, HTTP/2 connection that closes when idle). A fresh CMS and fleet "
            + "are used for each N. The fleet, the bench and the CMS share this machine's cores: the CPU notes give the fleet's share.",
        ];
        if (runs.Any(r => r.Cpu.ProbesPerServerPerSecond < SlowProbing))
        {
            notes.Add(SlowProbingCause);
        }

        if (runs.Any(r => !r.Settled))
        {
            notes.Add(UnsettledCause);
        }

        return new ScenarioResult(figures, await PlotAsync(runs, options.PlotDirectory, cancellationToken), notes);
    }

    /// <summary>
    /// The sizes named in <c>VIGIL_BENCH_SCALE_SIZES</c> (e.g. <c>5000</c>), to measure or profile one size alone; the
    /// targets are judged only where N = 10 000 is among them, and "unchanged" compares the smallest with the largest.
    /// </summary>
    private static int[]? ChosenSizes() =>
        Environment.GetEnvironmentVariable("VIGIL_BENCH_SCALE_SIZES") is { Length: > 0 } sizes
            ? [.. sizes.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
            : null;

    private static async Task<ScaleRun> MeasureAsync(int size, Plan plan, TextWriter log, CancellationToken cancellationToken)
    {
        log.WriteLine(Invariant($"    N = {size}: adding"));
        await using var site = await FleetSite.StartAsync(size, 0, plan.AddBudget, log, cancellationToken);
        var meter = new MonitoringMeter(site);
        var managed = site.Managed.Count;
        var settled = await meter.SettleAsync(SettleProbes, plan.SettleDeadline, cancellationToken);
        log.WriteLine(Invariant($"    N = {size}: {managed} added in {site.AddTook.TotalSeconds:0.#} s ({site.GroupCount} groups), {(settled ? "settled" : "did not settle")}"));
        var cpu = await meter.CpuAsync(plan.Window, cancellationToken);
        var heldFailed = await meter.HeldFailedAsync(cancellationToken);
        var detection = settled ? await meter.DetectAsync(plan.Kills, cancellationToken) : new Detection([], plan.Kills);
        log.WriteLine(Invariant($"    N = {size}: CMS CPU {cpu.Average:0.00} cores (fleet {cpu.FleetAverage:0.00}, database {cpu.DatabaseAverage ?? 0:0.00}), {cpu.ProbesPerServerPerSecond:0.00} probes/server/s, ")
            + Invariant($"live servers held failed: {Held(heldFailed)}, detection p99 {BenchmarkReport.Format(P99(detection.Seconds))} s ({detection.Unnoticed} unnoticed)"));
        return new ScaleRun(size, managed, site.AddTook, site.BatchSeconds, site.AddCutShort, settled, cpu, heldFailed, detection);
    }

    private static Figure CpuFigure(ScaleRun run, Plan plan)
    {
        var judged = run.Servers == LargestSite;
        var note = Invariant($"CPU time of the CMS process (user + system, /proc/PID/stat) in each second of a {plan.Window.TotalSeconds:0} s window; average {run.Cpu.Average:0.00} cores. ")
            + Invariant($"The fleet answered {run.Cpu.ProbesPerServerPerSecond:0.00} probes per server per second in it (1.00 = every server probed every second), and its processes used {run.Cpu.FleetAverage:0.00} cores. ")
            + (run.Cpu.DatabaseAverage is { } database ? Invariant($"PostgreSQL's processes used {database:0.00} cores beside it. ") : string.Empty)
            + State(run, plan)
            + (judged ? " Met when every server was added, the CMS settled, and the window's average is at most 1 core." : " The target applies at N = 10 000.");
        return new Figure(Invariant($"CMS CPU at N={run.Servers}") + BenchDatabase.Label, "cores", run.Cpu.PerSecond, "≤ 1 core at N = 10 000",
            judged ? run.Managed == run.Servers && run.Settled && run.Cpu.Average <= CpuTargetCores : null, note);
    }

    /// <summary>The other half of the CPU target: within its core, the CMS must still probe every server about once a second.</summary>
    private static Figure ProbingFigure(ScaleRun run) => new(
        Invariant($"probes answered per server per second at N={run.Servers}") + BenchDatabase.Label, "probes/server/s", [run.Cpu.ProbesPerServerPerSecond],
        Invariant($"≈ 1.00 (≥ {ProbingTarget:0.00}) at N = 10 000"), run.Managed == run.Servers && run.Settled && run.Cpu.ProbesPerServerPerSecond >= ProbingTarget,
        "The health probes the fleet answered in the CPU figure's window, per managed server per second (1.00 = every server probed every second, "
        + "the rate the CPU target is set at); the CPU figure alone can be met by probing less.");

    private static Figure DetectionFigure(ScaleRun run, Plan plan)
    {
        var seconds = run.Detection.Seconds;
        var note = run.Settled
            ? Invariant($"{plan.Kills} recording servers killed one at a time, at most {Math.Min(plan.Kills, Math.Max(1, run.Managed / 2))} dead at once; each sample runs from the kill until the CMS recorded the server's health as failed (the event's own time). ")
                + Invariant($"Median {Summary.Of(seconds).Median:0.00} s, p99 {P99(seconds):0.00} s.")
                + (run.Detection.Unnoticed > 0 ? Invariant($" {run.Detection.Unnoticed} kills were not recorded within 2 minutes.") : string.Empty)
            : "Not measured: the CMS never settled, so it could not tell a killed server from the live ones it already held as failed. " + State(run, plan);
        return new Figure(Invariant($"detection latency at N={run.Servers}") + BenchDatabase.Label, "s", seconds, "none (compared with N = 10 below)", null, note);
    }

    /// <summary>A size this machine cannot simulate: the CPU target there is not met, since nothing shows it would be.</summary>
    private static Figure UnfitFigure(Unfit unfit, int measuredInstead) => new(
        Invariant($"CMS CPU at N={unfit.Servers}") + BenchDatabase.Label, "cores", [], "≤ 1 core at N = 10 000", unfit.Servers == LargestSite ? false : null,
        Invariant($"Not measured: the CMS holds one connection per server, and processes here may open {unfit.OpenFiles} files, ")
        + Invariant($"a hard limit this machine does not let even root raise: enough for {unfit.Capacity} servers with the CMS's own files. ")
        + Invariant($"N = {measuredInstead} was measured instead. A CMS for {unfit.Servers} servers needs an open-file limit above {unfit.Servers + (int)FleetShards.ReservedFiles}."));

    private static Figure UnchangedFigure(ScaleRun smallest, ScaleRun largest, bool largerUnfit)
    {
        var name = Invariant($"detection p99 at N={largest.Servers} vs N={smallest.Servers}") + BenchDatabase.Label;
        var target = Invariant($"unchanged from N = {smallest.Servers}");
        var baseline = P99(smallest.Detection.Seconds);
        var allowed = Math.Max(baseline + UnchangedSlackSeconds, baseline * UnchangedRatio);
        var meaning = Invariant($"\"Unchanged\" means within +{UnchangedSlackSeconds} s or ×{UnchangedRatio} of the N = {smallest.Servers} p99 ({baseline:0.00} s), whichever allows more: ≤ {allowed:0.00} s, with every kill noticed.")
            + (largerUnfit ? Invariant($" Larger fleets could not be simulated here (see the CPU figures), so this compares the largest N measured, {largest.Servers}.") : string.Empty);
        if (largest.Detection.Seconds.Count == 0)
        {
            return new Figure(name, "s", [], target, false, Invariant($"Not measurable at N = {largest.Servers}: no kill there was timed (see its detection figure). ") + meaning);
        }

        var measured = P99(largest.Detection.Seconds);
        return new Figure(name, "s", [measured], target, largest.Detection.Unnoticed == 0 && measured <= allowed,
            Invariant($"p99 detection latency at N = {largest.Servers} is {measured:0.00} s against {baseline:0.00} s at N = {smallest.Servers}. ") + meaning);
    }

    /// <summary>Adding the largest fleet: all of it, and each batch of one group, as an operator's batch add.</summary>
    private static IEnumerable<Figure> AddingFigures(ScaleRun run)
    {
        var whole = Invariant($"Adding {run.Servers} servers");
        yield return new Figure(Invariant($"adding {run.Servers} servers by batch add") + BenchDatabase.Label, "s", [run.AddTook.TotalSeconds], Invariant($"≤ {AddAllTargetSeconds} s at N = 10 000"),
            run.Servers == LargestSite ? run.Managed == run.Servers && run.AddTook.TotalSeconds <= AddAllTargetSeconds : null,
            Invariant($"{whole}, from the first batch until the CMS answered the last, {FleetSite.ServersPerGroup} to a batch (one failover group each), one batch at a time, as a script of the admin API would.")
            + (run.Managed == run.Servers ? string.Empty : Invariant($" Only {run.Managed} were added ({run.AddCutShort?.TrimEnd('.')}).")));
        yield return new Figure(Invariant($"one batch add of {FleetSite.ServersPerGroup} servers at N={run.Servers}") + BenchDatabase.Label, "s", run.BatchSeconds, Invariant($"≤ {BatchTargetSeconds} s"),
            run.BatchSeconds.Count > 0 && run.BatchSeconds.Max() <= BatchTargetSeconds,
            Invariant($"Each batch of that run: the CMS contacting, pairing and adding up to {FleetSite.ServersPerGroup} servers of one group, while monitoring those already added."));
    }

    /// <summary>How far adding and settling got: what the figures of that N stand on.</summary>
    private static string State(ScaleRun run, Plan plan)
    {
        var added = run.Managed == run.Servers
            ? Invariant($"Adding the {run.Servers} servers took {run.AddTook.TotalSeconds:0.#} s")
            : Invariant($"Only {run.Managed} of {run.Servers} servers were added, in {run.AddTook.TotalSeconds:0} s ({run.AddCutShort?.TrimEnd('.')})");
        var settled = run.Settled
            ? Invariant($"; the CMS then settled (every server answered {SettleProbes} probes and none was held failed)")
                + (run.HeldFailed is > 0 ? Invariant($", yet by the end of the window it held {run.HeldFailed} live servers as failed.") : ".")
            : Invariant($"; the CMS never settled within {plan.SettleDeadline.TotalMinutes:0} min: after the window it held {Held(run.HeldFailed)} of the {run.Managed} live servers as failed (probes not answered within the timeout).");
        return added + settled;
    }

    private static async Task<IReadOnlyList<Plot>> PlotAsync(List<ScaleRun> runs, string directory, CancellationToken cancellationToken)
    {
        var cpu = new Plot("monitoring-scale-cpu.svg", "Average CPU of the CMS process against the number of servers it was asked to probe every second.");
        await File.WriteAllTextAsync(Path.Combine(directory, cpu.FileName), SvgChart.Lines("CMS CPU vs servers monitored", "servers (N)", "cores",
            [("average cores", runs.Select(r => ((double)r.Servers, r.Cpu.Average)).ToList())]), cancellationToken);
        var timed = runs.Where(r => r.Detection.Seconds.Count > 0).ToList();
        var detection = new Plot("monitoring-scale-detection.svg", "Time from a server's death until the CMS recorded it failed, against the number of servers (only where it was measurable).");
        await File.WriteAllTextAsync(Path.Combine(directory, detection.FileName), SvgChart.Lines("Detection latency vs servers monitored", "servers (N)", "s",
            [
                ("p99", timed.Select(r => ((double)r.Servers, P99(r.Detection.Seconds))).ToList()),
                ("median", timed.Select(r => ((double)r.Servers, Summary.Of(r.Detection.Seconds).Median)).ToList()),
            ]), cancellationToken);
        return [cpu, detection];
    }

    /// <summary>A count of servers held failed; null when the CMS did not answer in time.</summary>
    private static string Held(int? count) => count?.ToString(CultureInfo.InvariantCulture) ?? "an unknown number";

    private static double P99(IReadOnlyList<double> samples) => Summary.Of(samples).P99;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <param name="Kills">Servers killed to time detection at each N.</param>
    /// <param name="AddBudget">How long adding may take before the CMS is measured with the servers it has.</param>
    private sealed record Plan(int[] Sizes, TimeSpan Window, int Kills, TimeSpan AddBudget, TimeSpan SettleDeadline);

    /// <summary>A size the fleet simulator cannot reach within this process's open-file limit.</summary>
    private sealed record Unfit(int Servers, int Capacity, ulong OpenFiles);

    private sealed record ScaleRun(
        int Servers, int Managed, TimeSpan AddTook, IReadOnlyList<double> BatchSeconds, string? AddCutShort, bool Settled, CpuUse Cpu, int? HeldFailed, Detection Detection);
}

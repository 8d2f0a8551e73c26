using System.Diagnostics;
using System.Globalization;
using Vigil.Bench.Fleet;
using Vigil.Bench.Measurement;
using Vigil.Testing;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// The CMS itself is the problem: while it watches a site of 1 000 recording servers, its CPU is taken away for several
/// detection windows, and a few servers really die meanwhile. Counts the live servers it failed over (the target is
/// none: a CMS must not blame the servers for its own lateness) and times how soon the dead ones were taken over (every
/// one must be, once the CMS can see again). Two kinds of starvation, each in its own trials: the process stopped
/// outright (SIGSTOP, as a frozen virtual machine), and throttled to a tenth of the time (stopped 0.9 s of every second,
/// as a host whose CPU a neighbour takes). A fleet simulator stands in for the agents; the CMS is the real one.
/// </summary>
public sealed class OverloadSafetyScenario : IScenario
{
    private const int VictimsPerTrial = 5;
    private static readonly TimeSpan AddBudget = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan Settle = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan KillInto = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TakeoverDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SaidOverloadedWithin = TimeSpan.FromSeconds(5);

    /// <summary>After the takeovers, a few more detection windows in which a live server failed late would still be counted.</summary>
    private static readonly TimeSpan Aftermath = TimeSpan.FromSeconds(15);

    private static readonly Starvation[] Kinds =
    [
        new("stopped", "stopped (SIGSTOP) for 10 s", TimeSpan.FromSeconds(10), TimeSpan.Zero),
        new("throttled", "throttled for 20 s: stopped 0.9 s of every second", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100)),
    ];

    public string Name => "overload-safety";

    public string Title => "Overload safety: the CMS starved of CPU while it watches a site";

    public int Order => 45;

    public async Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (servers, standbys, trialsPerKind) = options.Quick ? (200, 20, 1) : (1_000, 100, 2);
        var trials = new List<Trial>();
        var unsettled = new List<string>();
        var groups = 0;
        for (var t = 0; t < trialsPerKind * Kinds.Length; t++)
        {
            // A fresh site for each trial: the trial measures the starvation, not how the site recovers from the one before.
            var kind = Kinds[t % Kinds.Length];
            await using var site = await FleetSite.StartAsync(servers, standbys, AddBudget, options.Log, cancellationToken);
            groups = site.GroupCount;
            if ((site.AddCutShort ?? await site.AllProtectedAsync(Settle, cancellationToken)) is { } notYet)
            {
                unsettled.Add(Invariant($"A {kind.Name} trial was not run: within {Settle.TotalMinutes:0} min of adding, the CMS never had every recording server protected and every standby ready ({notYet.TrimEnd('.')})."));
                options.Log.WriteLine("    " + unsettled[^1] + "\n    The CMS's last warnings:\n      " + string.Join("\n      ", site.Cms.Warnings(10)));
                continue;
            }

            var victims = Victims(site);
            var trial = await StarveAsync(site, kind, victims, cancellationToken);
            trials.Add(trial);
            options.Log.WriteLine(Invariant($"    {kind.Name}: {trial.FalseFailovers} live servers failed over, {trial.TakenOver.Count} of {victims.Count} killed taken over")
                + Invariant($" ({string.Join(", ", trial.TakenOver.Select(s => s.ToString("0.0", CultureInfo.InvariantCulture)))} s after the kill), CMS said overloaded: {trial.SaidOverloaded}"));
        }

        var setup = Invariant($"{servers} recording servers ({FleetSimulator.CamerasPerRecordingServer} cameras each) and {standbys} standbys in {groups} groups, a fresh site and CMS for each trial; ")
            + Invariant($"in each trial {VictimsPerTrial} recording servers of different groups killed {KillInto.TotalSeconds:0} s into the starvation; ")
            + Invariant($"live servers failed over are counted from the starvation's start until {Aftermath.TotalSeconds:0} s after the last kill was taken over.")
            + string.Concat(unsettled.Select(u => " " + u));
        var figures = Kinds.SelectMany(kind => Figures(kind, trials.Where(t => t.Kind == kind).ToList(), setup)).ToList();
        return new ScenarioResult(figures, [],
            [
                "A fleet simulator stands in for the agents, as in the mass-failure scenario: virtual servers over https on loopback, a killed one resetting new "
                + "connections and aborting requests as an agent whose process is gone would. The CMS is the real, unchanged `vigil cms` on " + BenchDatabase.Described + " with default settings (probe every 1 s, "
                + "800 ms timeout, failure after 3 misses), its servers added by batch add. The starvation is done to the CMS process alone, with signals, so the "
                + "fleet answers on time throughout: a probe that went unanswered then is the CMS's own lateness, never the server's.",
            ]);
    }

    private static IEnumerable<Figure> Figures(Starvation kind, List<Trial> trials, string setup)
    {
        var measured = trials.Count > 0;
        var missed = trials.Sum(t => t.Victims - t.TakenOver.Count);
        var said = trials.Count(t => t.SaidOverloaded);
        yield return new Figure(Invariant($"live servers failed over while the CMS was {kind.Name}") + BenchDatabase.Label, "servers",
            trials.Select(t => (double)t.FalseFailovers).ToList(), "0", measured ? trials.All(t => t.FalseFailovers == 0) : false,
            Invariant($"Per trial: the CMS {kind.Described}. {setup} The CMS said it was overloaded (GET /api/v1/status) within {SaidOverloadedWithin.TotalSeconds:0} s of the starvation's end in {said} of {trials.Count} trials."));
        yield return new Figure(Invariant($"servers killed while the CMS was {kind.Name}: kill to takeover") + BenchDatabase.Label, "s",
            trials.SelectMany(t => t.TakenOver).ToList(), "every one taken over", measured ? missed == 0 : false,
            Invariant($"One sample per killed server: from its kill until a standby accepted its cameras (its takeover PUT answered). The CMS {kind.Described}, ")
            + Invariant($"so it was starved for {(kind.Length - KillInto).TotalSeconds:0} s after the kills; with 3 misses at 1 s a server is failed 3 to 4 s after the CMS sees again.")
            + (missed > 0 ? Invariant($" {missed} killed servers were not taken over within {TakeoverDeadline.TotalSeconds:0} s.") : string.Empty));
    }

    /// <summary>One recording server from each of <see cref="VictimsPerTrial"/> groups.</summary>
    private static List<FleetMember> Victims(FleetSite site) =>
        site.Managed.Where(s => s.Role == VirtualRole.Recording).GroupBy(site.GroupOf)
            .Take(VictimsPerTrial)
            .Select(g => g.First())
            .ToList();

    private static async Task<Trial> StarveAsync(FleetSite site, Starvation kind, List<FleetMember> victims, CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        var starving = kind.RunAsync(site.Cms, cancellationToken);
        await Task.Delay(KillInto, cancellationToken);
        var killedAt = Stopwatch.GetTimestamp();
        await site.Fleet.KillAsync(victims, cancellationToken);
        await starving;
        var saidOverloaded = await SaysOverloadedAsync(site.Cms, cancellationToken);
        var names = victims.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var taken = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            await Eventually.UntilAsync(async () =>
            {
                foreach (var takeover in (await site.Fleet.TakeoversAsync(cancellationToken))
                    .Where(t => t.Timestamp >= killedAt && names.Contains(t.ProtectedServerName))
                    .OrderBy(t => t.Timestamp))
                {
                    taken.TryAdd(takeover.ProtectedServerName, takeover.Timestamp);
                }

                return taken.Count == victims.Count;
            }, TakeoverDeadline, "a standby to take over every server killed during the starvation");
        }
        catch (TimeoutException)
        {
            // Reported as the kills not taken over.
        }

        await Task.Delay(Aftermath, cancellationToken);
        var falseFailovers = (await site.Fleet.TakeoversAsync(cancellationToken))
            .Where(t => t.Timestamp >= began && !names.Contains(t.ProtectedServerName))
            .Select(t => t.ProtectedServerName)
            .Distinct(StringComparer.Ordinal)
            .Count();
        return new Trial(kind, victims.Count, taken.Values.Select(at => Stopwatch.GetElapsedTime(killedAt, at).TotalSeconds).Order().ToList(), falseFailovers, saidOverloaded);
    }

    private static async Task<bool> SaysOverloadedAsync(BenchCms cms, CancellationToken cancellationToken)
    {
        try
        {
            await Eventually.UntilAsync(async () => (await cms.StatusAsync(cancellationToken)).Cms.Overloaded, SaidOverloadedWithin, "the CMS to say it is overloaded");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// How the CMS is starved: stopped for <paramref name="Length"/>, or, when <paramref name="RunsEachSecond"/> is more
    /// than zero, let run that long of each second and stopped the rest. It always runs again at the end.
    /// </summary>
    private sealed record Starvation(string Name, string Described, TimeSpan Length, TimeSpan RunsEachSecond)
    {
        public async Task RunAsync(BenchCms cms, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                while (clock.Elapsed < Length)
                {
                    cms.Pause();
                    var stopped = RunsEachSecond > TimeSpan.Zero ? TimeSpan.FromSeconds(1) - RunsEachSecond : Length;
                    await Task.Delay(stopped, cancellationToken);
                    cms.Resume();
                    if (RunsEachSecond > TimeSpan.Zero)
                    {
                        await Task.Delay(RunsEachSecond, cancellationToken);
                    }
                }
            }
            finally
            {
                cms.Resume();
            }
        }
    }

    private sealed record Trial(Starvation Kind, int Victims, IReadOnlyList<double> TakenOver, int FalseFailovers, bool SaidOverloaded);
}

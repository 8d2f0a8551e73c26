using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Bench.Measurement;
using Vigil.Bench.Site;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// The real-process chaos run (<c>./chaos --real --minutes N</c>): a real site (camera simulator, CMS on SQLite,
/// two recording agents with two cameras each, two standbys) where a seeded random schedule SIGKILLs and SIGSTOPs
/// agents, standbys, ffmpeg recorders and the CMS for N minutes. Then every fault stops, every failover is let
/// finish, and the footage is checked from the files: each camera's timeline on its recording server (its own
/// segments and the restored ones, read with ffprobe) has no gap longer than the bound outside the windows the
/// faults excuse (the CMS down, no standby up), no failover footage is left on a standby, and every file on a
/// recording server hashes to the SHA-256 its catalog holds.
/// </summary>
public sealed class ChaosScenario : IScenario
{
    private const int ProbeMisses = 3;
    private const double SegmentSeconds = 2;

    /// <summary>Detection window (3 × 1 s) + one segment + 3 s for the takeover command and ffmpeg opening the stream.</summary>
    private const double GapBound = ProbeMisses + SegmentSeconds + 3;

    private readonly List<Fault> _faults = [];

    public string Name => "chaos";

    public string Title => "Real-process chaos: random SIGKILL and SIGSTOP of agents, standbys, ffmpeg and the CMS, then the footage checked from the files";

    public int Order => 90;

    public bool OnlyWhenNamed => true;

    public async Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var minutes = double.Parse(Environment.GetEnvironmentVariable("VIGIL_CHAOS_MINUTES") ?? (options.Quick ? "1" : "3"), CultureInfo.InvariantCulture);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("VIGIL_CHAOS_SEED"), out var s) ? s : Environment.TickCount & 0xFFFF;
        options.Log.WriteLine(Invariant($"  chaos for {minutes:0.#} min, seed {seed} (VIGIL_CHAOS_SEED={seed} repeats the schedule)"));
        var random = new Random(seed);
        await using var site = await RealSite.StartAsync(cameras: 4, cancellationToken);
        var recorders = new Dictionary<string, int[]> { ["rec-1"] = [1, 2], ["rec-2"] = [3, 4] };
        var processes = new Dictionary<string, VigilProcess>();
        var ids = new Dictionary<string, int>();
        foreach (var (name, cameras) in recorders)
        {
            processes[name] = await site.StartAgentAsync(name, cameras);
            ids[name] = (await site.AddAsync(processes[name], ServerRoleName.Recording, cancellationToken)).Id;
        }

        foreach (var name in new[] { "standby-1", "standby-2" })
        {
            processes[name] = await site.StartAgentAsync(name);
            ids[name] = (await site.AddAsync(processes[name], ServerRoleName.Standby, cancellationToken)).Id;
        }

        await site.WaitStatusAsync(ids["rec-2"], "normal_protected", cancellationToken);
        var began = Now();
        var deadline = began.AddMinutes(minutes);
        var pending = new List<(DateTimeOffset At, string What, Func<Task> Undo)>();
        while (Now() < deadline)
        {
            await Task.Delay(TimeSpan.FromSeconds(random.Next(4, 11)), cancellationToken);
            foreach (var due in pending.Where(p => p.At <= Now()).ToList())
            {
                await due.Undo();
                pending.Remove(due);
            }

            var busy = pending.Select(p => p.What).ToHashSet(StringComparer.Ordinal);
            var action = await InjectAsync(site, processes, random, busy, options.Log);
            if (action is not null)
            {
                pending.Add(action.Value);
            }
        }

        foreach (var (_, _, undo) in pending)
        {
            await undo();
        }

        options.Log.WriteLine("  faults stop; waiting for every failover to end");
        await Eventually.UntilAsync(async () => (await site.Api.GetAsync<FailoverList>(CmsRoutes.Failovers, cancellationToken)).Failovers.Count == 0,
            TimeSpan.FromMinutes(5), "every failover to end");
        var ended = Now();
        return await CheckAsync(site, recorders, processes, ended, seed, minutes, options, cancellationToken);
    }

    private async Task<(DateTimeOffset, string, Func<Task>)?> InjectAsync(
        RealSite site, Dictionary<string, VigilProcess> processes, Random random, HashSet<string> busy, TextWriter log)
    {
        var kinds = new[] { "kill-recording", "kill-standby", "stop-agent", "kill-ffmpeg", "kill-cms" };
        var kind = kinds[random.Next(kinds.Length)];
        var recording = new[] { "rec-1", "rec-2" };
        var standbys = new[] { "standby-1", "standby-2" };

        // One recording server and one standby down at a time: the site always has a standby for the server that is down.
        var target = kind switch
        {
            "kill-recording" => busy.Any(b => b.StartsWith("kill-recording", StringComparison.Ordinal)) ? null : recording[random.Next(recording.Length)],
            "kill-standby" => busy.Any(b => b.StartsWith("kill-standby", StringComparison.Ordinal)) ? null : standbys[random.Next(standbys.Length)],
            "stop-agent" => processes.Keys.ElementAt(random.Next(processes.Count)),
            "kill-ffmpeg" => recording[random.Next(recording.Length)],
            _ => busy.Contains("kill-cms cms") ? null : "cms",
        };
        if (target is null || busy.Any(b => b.EndsWith($" {target}", StringComparison.Ordinal)))
        {
            return null;
        }

        var what = $"{kind} {target}";
        var at = Now();
        log.WriteLine(Invariant($"  {(at - _start).TotalSeconds,6:0.0} s  {what}"));
        switch (kind)
        {
            case "kill-recording" or "kill-standby":
                await processes[target].KillTreeAsync();
                var downFor = TimeSpan.FromSeconds(kind == "kill-recording" ? random.Next(15, 41) : random.Next(5, 21));
                return (at + downFor, what, async () =>
                {
                    processes[target] = await site.StartAgentAsync(target);
                    _faults.Add(new Fault(kind, target, at, Now()));
                });
            case "stop-agent":
                Signal(processes[target].Id, "STOP");
                return (at + TimeSpan.FromSeconds(random.Next(2, 7)), what, () =>
                {
                    Signal(processes[target].Id, "CONT");
                    _faults.Add(new Fault(kind, target, at, Now()));
                    return Task.CompletedTask;
                });
            case "kill-ffmpeg":
                var ffmpeg = ProcessSweep.Matching("ffmpeg", site.DataOf(target));
                if (ffmpeg.Count > 0)
                {
                    Signal(ffmpeg[random.Next(ffmpeg.Count)], "KILL");
                }

                _faults.Add(new Fault(kind, target, at, at));
                return null;
            default:
                await site.KillCmsAsync();
                return (at + TimeSpan.FromSeconds(random.Next(2, 7)), what, async () =>
                {
                    await site.RestartCmsAsync();
                    _faults.Add(new Fault(kind, target, at, Now()));
                });
        }
    }

    private readonly DateTimeOffset _start = Now();

    private async Task<ScenarioResult> CheckAsync(
        RealSite site, Dictionary<string, int[]> recorders, Dictionary<string, VigilProcess> processes, DateTimeOffset ended, int seed, double minutes,
        BenchOptions options, CancellationToken cancellationToken)
    {
        var epoch = await CamSimEpochAsync(site, cancellationToken);
        var gaps = new List<double>();
        var unexplained = new List<string>();
        var restored = 0;
        var mismatches = 0;
        foreach (var (agent, cameras) in recorders)
        {
            foreach (var camera in cameras)
            {
                var files = site.Segments(agent, "own", $"cam-{camera}");
                restored += files.Count(f => f.Name.StartsWith("restored-", StringComparison.Ordinal));
                var timeline = await CameraTimeline.ReadAsync(files.Select(f => f.FullName));
                var reached = timeline.Segments.Count == 0 ? 0 : timeline.Segments[0].End;
                foreach (var (_, start, end) in timeline.Segments.Skip(1))
                {
                    var gap = start - reached;
                    if (gap > 0)
                    {
                        gaps.Add(gap);
                        var from = epoch.AddSeconds(reached);
                        var to = epoch.AddSeconds(start);
                        if (gap > GapBound && !Excused(from, to, agent))
                        {
                            unexplained.Add(Invariant($"cam-{camera} of {agent}: {gap:0.0} s from {from:HH:mm:ss}"));
                        }
                    }

                    reached = Math.Max(reached, end);
                }
            }

            mismatches += await ChecksumMismatchesAsync(site, agent, processes[agent], cancellationToken);
        }

        var left = site.Segments("standby-1", "failover").Count + site.Segments("standby-2", "failover").Count;
        foreach (var line in unexplained)
        {
            options.Log.WriteLine($"  unexplained gap: {line}");
        }

        var byKind = string.Join(", ", _faults.GroupBy(f => f.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        return new ScenarioResult(
            [
                new Figure("camera-time gaps longer than the bound, not excused by a fault", "gaps", [unexplained.Count], "0", unexplained.Count == 0,
                    Invariant($"Every gap in every camera's timeline on its recording server (own and restored segments, camera time read with ffprobe). The bound is {GapBound:0} s (detection window + one segment + 3 s for the takeover); a longer gap is excused only while the CMS was down or no standby was up. Gaps seen: {gaps.Count}, longest {(gaps.Count == 0 ? 0 : gaps.Max()):0.0} s.")),
                new Figure("failover segments left on a standby after every failover ended", "files", [left], "0", left == 0,
                    "Non-empty .ts files under the standbys' failover folders once the CMS lists no open failover."),
                new Figure("files on a recording server whose SHA-256 differs from its catalog", "files", [mismatches], "0", mismatches == 0,
                    Invariant($"Every catalogued own recording of each recording server hashed from disk; {restored} of them were restored from a standby.")),
            ],
            [],
            [Invariant($"{minutes:0.#} minutes of faults (seed {seed}; ended {ended:HH:mm:ss}): {byKind}. Faults: SIGKILL of a recording agent with its ffmpeg (down 15–40 s), SIGKILL of a standby (down 5–20 s), SIGSTOP of any agent (2–6 s), SIGKILL of one ffmpeg recorder, SIGKILL of the CMS (down 2–6 s); at most one recording server and one standby down at once. Reproduce: VIGIL_CHAOS_SEED={seed} ./chaos --real --minutes {minutes:0.#}.")]);
    }

    /// <summary>A gap is excused when the CMS was down, or the recording server's outage had no standby up, during it (plus the detection window).</summary>
    private bool Excused(DateTimeOffset from, DateTimeOffset to, string agent)
    {
        var slack = TimeSpan.FromSeconds(GapBound);
        bool During(Fault f) => f.From - slack < to && f.To + slack > from;
        return _faults.Any(f => f.Kind == "kill-cms" && During(f))
            || (_faults.Any(f => f.Target == agent && During(f)) && _faults.Count(f => f.Target.StartsWith("standby", StringComparison.Ordinal) && During(f)) >= 2);
    }

    private static async Task<int> ChecksumMismatchesAsync(RealSite site, string agent, VigilProcess process, CancellationToken cancellationToken)
    {
        var mismatches = 0;
        foreach (var recording in (await RealSite.RecordingsAsync(process, AgentRoutes.OwnRecordings, cancellationToken)).Where(r => r.Kind == RecordingKind.Video))
        {
            var file = site.Segments(agent, "own", recording.CameraId).FirstOrDefault(f => f.Name == recording.FileName);
            if (file is null)
            {
                mismatches++;
                continue;
            }

            var content = file.OpenRead();
            await using (content)
            {
                mismatches += Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken)) == recording.Sha256 ? 0 : 1;
            }
        }

        return mismatches;
    }

    private static async Task<DateTimeOffset> CamSimEpochAsync(RealSite site, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = site.CamSim.BaseUrl };
        var cams = await http.GetFromJsonAsync<JsonElement>("cams", cancellationToken);
        return cams.GetProperty("timestampEpoch").GetDateTimeOffset();
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private static DateTimeOffset Now() => TimeProvider.System.GetUtcNow();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Fault(string Kind, string Target, DateTimeOffset From, DateTimeOffset To);
}

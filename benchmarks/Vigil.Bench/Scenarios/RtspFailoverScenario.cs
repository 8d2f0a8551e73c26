using System.Diagnostics;
using System.Globalization;
using Vigil.Bench.Measurement;
using Vigil.Bench.Site;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Vigil.Testing.Rtsp;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// Real failovers of a recording server whose cameras are real RTSP cameras (GStreamer's RTSP server): one
/// H.264 over TCP, one H.265 with AAC audio and a password over UDP. Each trial SIGKILLs the recording agent
/// with its ffmpeg, lets the standby take over, brings the agent back and waits for failback and restore.
/// An RTSP camera's timestamps start anywhere in each session, so the gap and the overlap are read from the
/// catalogs (the agents' clock), not from the files' timestamps.
/// </summary>
public sealed class RtspFailoverScenario : IScenario
{
    private const double ProbeSeconds = 1;
    private const int Misses = 3;
    private const int SegmentSeconds = 2;
    private static readonly double GapBound = (ProbeSeconds * Misses) + SegmentSeconds;
    private static readonly string[] Cameras = ["entrance", "office"];

    public string Name => "failover-rtsp";

    public string Title => "Failover latency and recording gaps with RTSP cameras (GStreamer's RTSP server, real agents, real ffmpeg)";

    public int Order => 21;

    public async Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var trials = options.Quick ? 3 : 10;
        await using var entrance = await RtspCamera.StartAsync();
        await using var office = await RtspCamera.StartAsync(new RtspCameraSettings(Codec: "h265", Audio: "aac", User: "viewer", Password: "bench"));
        await using var site = await RealSite.StartAsync(1, cancellationToken);
        var recording = await site.StartAgentWithCamerasAsync("rec", ("entrance", entrance.Url), ("office", office.Url + "#transport=udp"));
        var standby = await site.StartAgentAsync("standby");
        var rec = await site.AddAsync(recording, ServerRoleName.Recording, cancellationToken);
        var sb = await site.AddAsync(standby, ServerRoleName.Standby, cancellationToken);

        var results = new List<Trial>();
        for (var i = 1; i <= trials; i++)
        {
            var trial = await RunTrialAsync(site, i, rec.Id, sb.Id, recording, cancellationToken);
            recording = trial.Recording;
            results.Add(trial);
            options.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  trial {i}/{trials}: latency {trial.Latency:0.00} s (detected after {trial.Detection:0.00} s), gap {trial.Gap:0.00} s, failback overlap {trial.Overlap:0.00} s"));
        }

        var latency = results.Select(t => t.Latency).ToList();
        var gaps = results.Select(t => t.Gap).ToList();
        var overlaps = results.Select(t => t.Overlap).ToList();
        var detection = Summary.Of(results.Select(t => t.Detection).ToList());
        var latencySummary = Summary.Of(latency);
        return new ScenarioResult(
            [
                new("RTSP: SIGKILL → first standby segment of every camera", "s", latency, "median ≤ 3 s, p99 ≤ 5 s",
                    latencySummary.Median <= 3 && latencySummary.P99 <= 5,
                    Invariant($"As for the simulator's cameras, with two RTSP cameras. Detection took a median {detection.Median:0.00} s (max {detection.Max:0.00} s); the rest is the takeover command and ffmpeg's RTSP session (DESCRIBE, SETUP, PLAY) and its first packets. Each trial kills at a different point of the CMS's probe round, as in the failover scenario.")),
                new("RTSP: gap per failover, from the catalog", "s", gaps, Invariant($"≤ probe interval × misses + one segment = {GapBound:0} s"), gaps.Max() <= GapBound,
                    "Per trial and worst camera: the start of the standby's first segment minus the end of the original's last segment before the kill, as the two agents catalogued them (each segment's span is its agent's clock: the last packet's write time and the file's duration)."),
                new("RTSP: failback overlap, from the catalog", "s", overlaps, "> 0 (make before break)", overlaps.Min() > 0,
                    "Per trial and worst camera: the end of the standby's last segment (restored home) minus the start of the original's first segment after its return."),
            ],
            [],
            [Invariant($"{trials} trials: two cameras served by GStreamer's RTSP server from Debian (H.264 320×240 at 10 fps over TCP; H.265 with AAC audio and Digest credentials over UDP), a CMS on SQLite with default settings, one recording agent and one standby, all on 127.0.0.1; segments of {SegmentSeconds} s.")]);
    }

    private static async Task<Trial> RunTrialAsync(RealSite site, int number, int rec, int sb, VigilProcess recording, CancellationToken cancellationToken)
    {
        await site.WaitStatusAsync(rec, "normal_protected", cancellationToken);
        await site.WaitStatusAsync(sb, "normal_ready", cancellationToken);
        var trialStart = TimeProvider.System.GetUtcNow().UtcDateTime;
        await Eventually.UntilAsync(() => Cameras.All(c => site.Segments("rec", "own", c).Count(f => f.LastWriteTimeUtc > trialStart) >= 2),
            TimeSpan.FromSeconds(30), "the recording server to record");

        await KillPhase.WaitAsync(number, TimeSpan.FromSeconds(ProbeSeconds), cancellationToken);
        var killedAt = TimeProvider.System.GetUtcNow();
        var clock = Stopwatch.StartNew();
        await recording.KillTreeAsync();
        var latency = 0.0;
        foreach (var camera in Cameras)
        {
            await Eventually.UntilAsync(() => FailoverSegments(site, camera).Count > 0, TimeSpan.FromSeconds(60), $"the standby's first segment of {camera}");
            latency = Math.Max(latency, clock.Elapsed.TotalSeconds);
        }

        var failover = (await site.Api.GetAsync<FailoverList>(CmsRoutes.Failovers, cancellationToken)).Failovers.Single();
        await Eventually.UntilAsync(() => Cameras.All(c => FailoverSegments(site, c).Count >= 2), TimeSpan.FromSeconds(30), "the standby to record");
        recording = await site.StartAgentAsync("rec");
        await Eventually.UntilAsync(async () =>
        {
            var latest = await site.Api.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec), cancellationToken);
            return latest.Id == failover.Id && latest.Phase == "completed";
        }, TimeSpan.FromSeconds(180), "failback and restore to complete");

        var home = await RealSite.RecordingsAsync(recording, AgentRoutes.OwnRecordings, cancellationToken);
        var gap = double.MinValue;
        var overlap = double.MaxValue;
        foreach (var camera in Cameras)
        {
            var video = home.Where(r => r.CameraId == camera && r.Kind == RecordingKind.Video).ToList();
            var restored = video.Where(r => r.FileName.StartsWith("restored-", StringComparison.Ordinal) && r.Start > killedAt).ToList();
            var own = video.Where(r => !r.FileName.StartsWith("restored-", StringComparison.Ordinal)).ToList();
            gap = Math.Max(gap, (restored.Min(r => r.Start) - own.Where(r => r.Start < killedAt).Max(r => r.End)).TotalSeconds);
            overlap = Math.Min(overlap, (restored.Max(r => r.End) - own.Where(r => r.Start > killedAt).Min(r => r.Start)).TotalSeconds);
        }

        return new Trial(recording, latency, (failover.StartedAt - killedAt).TotalSeconds, gap, overlap);
    }

    private static List<FileInfo> FailoverSegments(RealSite site, string camera) =>
        site.Segments("standby", "failover").Where(f => f.FullName.Contains($"{Path.DirectorySeparatorChar}{camera}{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Trial(VigilProcess Recording, double Latency, double Detection, double Gap, double Overlap);
}

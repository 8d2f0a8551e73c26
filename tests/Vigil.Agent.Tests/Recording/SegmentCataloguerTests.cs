using Vigil.Agent.Metrics;
using Vigil.Agent.Recording;
using Vigil.Agent.Storage;
using Vigil.Media;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Recording;

/// <summary>A segment's catalogued span, with a real ffprobe, against the bounds the recorder knows.</summary>
public sealed class SegmentCataloguerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-cataloguer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_first_segment_probed_as_long_as_the_cameras_uptime_starts_no_earlier_than_its_run()
    {
        // Two seconds of video whose audio is stamped a minute later, as an RTSP camera's streams are before its first
        // sender report aligns them: ffprobe calls it a minute long.
        var space = Path.Combine(_root, "space1");
        var runBegan = new DateTimeOffset(2026, 12, 4, 6, 0, 0, TimeSpan.Zero);
        var file = Path.Combine(space, RecordingTarget.Folder("own", "cam1"), RecorderRunName.Day(runBegan), $"{RecorderRunName.Prefix(runBegan)}-000000.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var made = await ProcessRunner.RunAsync(CameraTimeline.Tools.Ffmpeg,
            ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=d=2:s=160x120:r=10", "-itsoffset", "60", "-f", "lavfi", "-i", "sine=d=2",
                "-c:v", "libx264", "-c:a", "aac", "-f", "mpegts", file], TimeSpan.FromSeconds(60), CancellationToken.None);
        made.ExitCode.ShouldBe(0, made.StandardError);
        var end = runBegan.AddSeconds(4);
        var copies = new[] { 1, 2 }.Select(n => Path.ChangeExtension(file, null)[..^6] + $"{n:D6}.ts").ToList();
        foreach (var path in copies)
        {
            File.Copy(file, path);
        }

        foreach (var path in copies.Prepend(file))
        {
            File.SetLastWriteTimeUtc(path, end.UtcDateTime);
        }

        var beforeTheOutage = runBegan.AddSeconds(-40);
        var cataloguer = new SegmentCataloguer(
            new RecordingCatalog(new AgentDatabase(Path.Combine(_root, "data"))), CameraTimeline.Tools, new RecordingMetrics(Prometheus.Metrics.NewCustomRegistry()));

        var recovered = await cataloguer.AddVideoAsync("own", "cam1", space, file, null, CancellationToken.None, notBefore: RecorderRunName.Began(file));
        var followed = await cataloguer.AddVideoAsync("own", "cam1", space, copies[0], null, CancellationToken.None, follows: beforeTheOutage, notBefore: runBegan);
        var unbounded = await cataloguer.AddVideoAsync("own", "cam1", space, copies[1], null, CancellationToken.None, follows: beforeTheOutage);

        recovered.ShouldNotBeNull().Start.ShouldBe(runBegan, "a segment found after a crash starts no earlier than the run its name gives");
        followed.ShouldNotBeNull().Start.ShouldBe(runBegan, "the outage before the run is not claimed as recorded");
        followed.End.ShouldBe(end);
        unbounded.ShouldNotBeNull().Start.ShouldBe(beforeTheOutage, "without the run's start the probe alone would claim the outage");
    }
}

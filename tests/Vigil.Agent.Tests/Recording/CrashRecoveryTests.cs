using Vigil.Agent.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Media;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Recording;

/// <summary>SIGKILL, then start again on the same data: nothing recorded is lost or recorded twice.</summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class CrashRecoveryTests(CameraSimulatorFixture cameras)
{
    [Fact]
    public async Task After_a_power_cut_the_segment_being_written_is_playable_catalogued_and_recording_resumes()
    {
        await using var agent = await AgentUnderTest.StartAsync(["--camera", $"cam1={cameras.CameraUrl(1)}"]);
        var before = await agent.SegmentsAsync("cam1", 2);
        await Eventually.UntilAsync(() => CutCandidate(agent, before) is { Length: > 10_000 }, TimeSpan.FromSeconds(10), "a segment half written");

        // A power cut: the agent and its ffmpeg die at once, mid-segment.
        var cut = CutCandidate(agent, before)!;
        var killed = agent.Process.Id;
        await agent.Process.DisposeAsync();
        new[] { "dotnet-diagnostic", "clr-debug-pipe" }.SelectMany(runtime => Directory.EnumerateFileSystemEntries(Path.GetTempPath(), $"{runtime}-{killed}-*"))
            .ShouldBeEmpty("a killed test process leaves no diagnostic socket or debugger pipe in the temporary folder");

        var timing = await MediaProbe.TimingAsync(CameraTimeline.Tools, cut.FullName, CancellationToken.None);
        timing.ShouldNotBeNull("the cut segment must still be readable");
        timing.DurationSeconds.ShouldBeGreaterThan(0);

        await agent.StartAsync();
        await Eventually.UntilAsync(async () => (await agent.RecordingsAsync(camera: "cam1")).Any(r => r.FileName == cut.Name),
            TimeSpan.FromSeconds(20), "the cut segment to be catalogued");
        var resumed = await agent.SegmentsAsync("cam1", before.Count + 3);
        resumed[^1].End.ShouldBeGreaterThan(before[^1].End.AddSeconds(2));
        var decoded = await ProcessRunner.RunAsync(CameraTimeline.Tools.Ffmpeg, ["-v", "error", "-i", cut.FullName, "-f", "null", "-"],
            TimeSpan.FromSeconds(30), CancellationToken.None);
        decoded.Succeeded.ShouldBeTrue(decoded.StandardError);
    }

    [Fact]
    public async Task An_agent_killed_alone_finds_its_orphaned_ffmpeg_and_never_records_a_camera_twice()
    {
        await using var agent = await AgentUnderTest.StartAsync(["--camera", $"cam2={cameras.CameraUrl(2)}"]);
        await agent.SegmentsAsync("cam2", 1);
        var orphan = ProcessSweep.Matching("ffmpeg", agent.DataDirectory).Single();
        var orphanRun = Path.GetFileName(agent.SegmentFiles("cam2").First()).Split('-')[0] + "-";

        await agent.Process.KillAsync();
        ProcessSweep.Matching("ffmpeg", agent.DataDirectory).ShouldContain(orphan, "ffmpeg outlives a SIGKILLed parent");
        await agent.StartAsync();
        await Eventually.UntilAsync(() => !ProcessSweep.Matching("ffmpeg", agent.DataDirectory).Contains(orphan), TimeSpan.FromSeconds(20),
            "the orphaned ffmpeg to be killed");

        // The segments the orphan wrote while no agent ran are catalogued at start; then the new recorder adds its own.
        await Eventually.UntilAsync(async () => (await agent.HealthAsync()).Cameras.SingleOrDefault()?.State == CameraState.Recording,
            TimeSpan.FromSeconds(30), "the new recorder to finish a segment");
        ProcessSweep.Matching("ffmpeg", agent.DataDirectory).Count.ShouldBe(1);
        var orphanFiles = agent.SegmentFiles("cam2").Select(f => Path.GetFileName(f)).Where(n => n.StartsWith(orphanRun, StringComparison.Ordinal)).ToList();
        orphanFiles.Count.ShouldBeGreaterThanOrEqualTo(2, "the orphan's finished segment and the one it was writing when it was killed");
        var catalogued = (await agent.RecordingsAsync(camera: "cam2")).Select(r => r.FileName).ToHashSet(StringComparer.Ordinal);
        orphanFiles.ShouldAllBe(name => catalogued.Contains(name), "every file the orphan wrote is catalogued");
        catalogued.ShouldContain(name => !name.StartsWith(orphanRun, StringComparison.Ordinal), "the new recorder's own segments follow");
    }

    /// <summary>The newest segment file, once it is not one of the catalogued ones.</summary>
    private static FileInfo? CutCandidate(AgentUnderTest agent, IReadOnlyList<Contracts.Agent.Recording> catalogued)
    {
        var newest = agent.SegmentFiles("cam1").Select(f => new FileInfo(f)).OrderBy(f => f.Name, StringComparer.Ordinal).LastOrDefault();
        return newest is not null && catalogued.All(r => r.FileName != newest.Name) ? newest : null;
    }
}

using Vigil.Agent.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Recording;

/// <summary>Real ffmpeg recording real encoded video from the camera simulator.</summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class RecordingTests(CameraSimulatorFixture cameras)
{
    [Fact]
    public async Task Three_cameras_are_recorded_in_segments_that_cover_the_time_without_gaps()
    {
        await using var agent = await AgentUnderTest.StartAsync(
            Enumerable.Range(1, 3).SelectMany(n => new[] { "--camera", $"cam{n}={cameras.CameraUrl(n)}" }));

        foreach (var camera in new[] { "cam1", "cam2", "cam3" })
        {
            await agent.SegmentsAsync(camera, 5);
        }

        foreach (var camera in new[] { "cam1", "cam2", "cam3" })
        {
            var timeline = await CameraTimeline.ReadAsync(agent.SegmentFiles(camera));
            timeline.Segments.Count.ShouldBeGreaterThanOrEqualTo(5);
            timeline.Covered.ShouldBeGreaterThan(8.0, $"{camera} should cover about 10 s of camera time");
            timeline.LongestGap().ShouldBeLessThan(0.5, $"{camera}: consecutive segments must meet (one frame is 0.1 s)");
            // ffmpeg cuts at the first keyframe (one a second here) after each 2-second mark of the recorder's wall clock.
            // When ffmpeg falls behind and then catches up on a burst of queued frames, two marks can fall one keyframe
            // apart in camera time (a full ./test on a loaded 2-core machine saw a 1.0 s segment), or one segment can hold a skipped
            // mark. So a middle segment holds at least one keyframe interval and at most two marks and one keyframe more.
            timeline.Segments.Skip(1).Take(timeline.Segments.Count - 2).ShouldAllBe(s => s.End - s.Start > 0.9 && s.End - s.Start < 5.5);
        }

        var catalogued = await agent.RecordingsAsync(camera: "cam1");
        catalogued.ShouldAllBe(r => r.Bytes > 0 && r.Sha256.Length == 64 && r.End > r.Start);
        var health = await agent.HealthAsync();
        health.Outcome.ShouldBe(HealthOutcome.Ok);
        health.Cameras.ShouldAllBe(c => c.State == CameraState.Recording && c.LastSegmentEnd != null);
    }

    [Fact]
    public async Task A_killed_ffmpeg_is_restarted_and_recording_goes_on()
    {
        await using var agent = await AgentUnderTest.StartAsync(["--camera", $"cam4={cameras.CameraUrl(4)}"]);
        var before = await agent.SegmentsAsync("cam4", 2);

        var ffmpeg = FfmpegRecording(agent, "cam4");
        System.Diagnostics.Process.GetProcessById(ffmpeg).Kill();

        await Eventually.UntilAsync(async () => (await agent.HealthAsync()).Cameras.SingleOrDefault()?.Restarts >= 1, TimeSpan.FromSeconds(20), "the restart");
        var after = await agent.SegmentsAsync("cam4", before.Count + 4);
        after[^1].End.ShouldBeGreaterThan(before[^1].End.AddSeconds(3));
        FfmpegRecording(agent, "cam4").ShouldNotBe(ffmpeg);
        var timeline = await CameraTimeline.ReadAsync(agent.SegmentFiles("cam4"));
        timeline.LongestGap().ShouldBeLessThan(4.0, "a restart loses at most the back-off and one keyframe interval");
    }

    [Fact]
    public async Task A_dark_camera_is_reported_while_the_others_keep_recording_and_the_server_stays_healthy()
    {
        await using var agent = await AgentUnderTest.StartAsync(
            ["--camera", $"cam5={cameras.CameraUrl(5)}", "--camera", $"cam6={cameras.CameraUrl(6)}"]);
        await agent.SegmentsAsync("cam5", 1);
        await agent.SegmentsAsync("cam6", 1);

        await cameras.SetDarkAsync(5, dark: true);
        try
        {
            var health = await Eventually.GetAsync(async () =>
            {
                var h = await agent.HealthAsync();
                return h.Cameras.SingleOrDefault(c => c.CameraId == "cam5")?.State == CameraState.Unreachable ? h : null;
            }, TimeSpan.FromSeconds(30), "cam5 to be reported unreachable");

            health.Outcome.ShouldBe(HealthOutcome.Ok, "a dead camera is not a server failure");
            health.Cameras.Single(c => c.CameraId == "cam5").Problem.ShouldNotBeNullOrWhiteSpace();
            var cam6 = (await agent.RecordingsAsync(camera: "cam6")).Count;
            await agent.SegmentsAsync("cam6", cam6 + 2);
        }
        finally
        {
            await cameras.SetDarkAsync(5, dark: false);
        }

        await Eventually.UntilAsync(async () => (await agent.HealthAsync()).Cameras.SingleOrDefault(c => c.CameraId == "cam5")?.State == CameraState.Recording,
            TimeSpan.FromSeconds(60), "cam5 to record again once it is back");
    }

    private static int FfmpegRecording(AgentUnderTest agent, string camera) =>
        ProcessSweep.Matching("ffmpeg", Path.Combine(agent.DataDirectory, "segment-lists", "own", camera)).Single();
}

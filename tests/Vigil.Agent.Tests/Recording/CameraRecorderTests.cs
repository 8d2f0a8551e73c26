using System.Net;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Recording;

/// <summary>A recorder whose segments cannot be catalogued says so, keeps the agent up and recovers by itself.</summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class CameraRecorderTests(CameraSimulatorFixture cameras)
{
    [Fact]
    public async Task Cataloguing_that_fails_is_reported_and_recording_resumes_with_nothing_left_uncatalogued_once_the_cause_is_gone()
    {
        using var ffprobe = new AbsentFfprobe();
        await using var agent = await AgentUnderTest.StartAsync(["--camera", $"cam3={cameras.CameraUrl(3)}"], environment: ffprobe.Environment);

        var failing = await Eventually.GetAsync(async () =>
            await agent.HealthAsync() is { } health && health.Cameras.SingleOrDefault()?.Problem?.StartsWith("cataloguing failed", StringComparison.Ordinal) == true
                ? health
                : null, TimeSpan.FromSeconds(30), "the camera to report that cataloguing failed");

        failing.Cameras.Single().State.ShouldNotBe(CameraState.Recording);
        failing.Outcome.ShouldBe(HealthOutcome.RecordingServiceFailure);
        await Eventually.UntilAsync(async () => (await agent.HealthAsync()).Cameras.SingleOrDefault()?.Restarts >= 2, TimeSpan.FromSeconds(30),
            "the recorder to go on restarting");
        agent.Process.HasExited.ShouldBeFalse();
        (await agent.Http.GetAsync(AgentRoutes.Live.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK);

        ffprobe.Install();

        await Eventually.UntilAsync(async () => await agent.HealthAsync() is { Outcome: HealthOutcome.Ok } health
            && health.Cameras.SingleOrDefault() is { State: CameraState.Recording, Problem: null }, TimeSpan.FromSeconds(60), "recording to resume");
        await Eventually.UntilAsync(async () =>
        {
            var catalogued = (await agent.RecordingsAsync(camera: "cam3")).Select(r => r.FileName).ToHashSet();
            var finished = agent.SegmentFiles("cam3").SkipLast(1).Select(f => Path.GetFileName(f)).ToList();
            return finished.Count >= 2 && finished.All(catalogued.Contains);
        }, TimeSpan.FromSeconds(30), "the segments of the failed runs to be catalogued");
    }
}

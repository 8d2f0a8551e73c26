using System.Net.Http.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Security;

/// <summary>Someone reading the agent's logs or its problems learns no camera password; the paired CMS still gets the URL.</summary>
public sealed class StreamUrlMaskingTests
{
    private const string Secret = "hunter2-camera-secret";

    [Fact]
    public async Task A_camera_password_never_reaches_the_logs_or_the_health_but_the_camera_list_keeps_it()
    {
        // Nothing listens on port 9: ffmpeg fails at once and names the URL it was given in its error.
        var url = $"http://viewer:{Secret}@127.0.0.1:9/cam";
        await using var agent = await AgentUnderTest.StartAsync([]);

        (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), new CameraConfig("door", "Door", url), ContractJson.Options))
            .EnsureSuccessStatusCode();
        var problem = await Eventually.GetAsync(async () =>
            (await agent.HealthAsync()).Cameras.SingleOrDefault(c => c.Problem?.Contains("127.0.0.1:9", StringComparison.Ordinal) == true)?.Problem,
            TimeSpan.FromSeconds(30), "ffmpeg's error in the camera's health");
        await Eventually.UntilAsync(() => agent.Process.Output.Contains("ffmpeg ended", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "the restart to be logged");
        var snapshot = await agent.Http.PostAsync(AgentRoutes.Snapshot("own", "door").TrimStart('/'), null);

        problem.ShouldContain("viewer:***@127.0.0.1:9");
        problem.ShouldNotContain(Secret);
        agent.Process.Output.ShouldNotContain(Secret);
        (await snapshot.Content.ReadAsStringAsync()).ShouldNotContain(Secret);
        (await agent.GetAsync<List<CameraConfig>>(AgentRoutes.Cameras))!.Single().StreamUrl.ShouldBe(url, "the CMS needs the real URL for a takeover");
        (await agent.GetAsync<AuditList>(AgentRoutes.Audit))!.Entries.Single(e => e.Action == "camera.add").Detail.ShouldNotContain(Secret);
    }
}

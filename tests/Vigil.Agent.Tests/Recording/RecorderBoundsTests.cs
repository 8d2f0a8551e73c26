using System.Net.Http.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Recording;

/// <summary>More cameras stored than licensed (added one by one, or left from a larger license): ffmpeg processes stay bounded.</summary>
public sealed class RecorderBoundsTests
{
    [Fact]
    public async Task An_owner_gets_no_more_recorders_than_the_licensed_channels()
    {
        await using var agent = await AgentUnderTest.StartAsync(["--license-channels", "2"]);
        foreach (var n in Enumerable.Range(1, 4))
        {
            // Nothing listens on port 9: each recorder just retries, which is enough to count them.
            (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), new CameraConfig($"cam{n}", $"Camera {n}", $"http://127.0.0.1:9/{n}"),
                ContractJson.Options)).EnsureSuccessStatusCode();
        }

        await Eventually.UntilAsync(() => agent.Process.Output.Contains("2 camera(s) are not recorded", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the cameras beyond the license to be reported");

        var recorded = await Eventually.GetAsync(async () => (await agent.HealthAsync()).Cameras is { Count: >= 2 } cameras ? cameras : null,
            TimeSpan.FromSeconds(20), "the licensed cameras' recorders");

        recorded.Select(c => c.CameraId).ShouldBe(["cam1", "cam2"]);
    }
}

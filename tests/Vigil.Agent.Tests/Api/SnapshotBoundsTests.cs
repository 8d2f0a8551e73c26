using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Vigil.Agent.Api;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>A caller asking for many snapshots at once, each of which holds an ffmpeg on a camera that never answers.</summary>
public sealed class SnapshotBoundsTests
{
    [Fact]
    public async Task Snapshots_beyond_the_concurrent_limit_are_refused_at_once()
    {
        // Accepts connections (the kernel does) and never answers: each snapshot's ffmpeg waits for its read timeout.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/cam";
        await using var agent = await AgentUnderTest.StartAsync([]);
        (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), new CameraConfig("silent", "Silent", url, Recording: false), ContractJson.Options))
            .EnsureSuccessStatusCode();

        var requests = Enumerable.Range(0, SnapshotLimiter.MaxConcurrent + 2)
            .Select(_ => agent.Http.PostAsync(AgentRoutes.Snapshot("own", "silent").TrimStart('/'), null))
            .ToList();
        var responses = await Task.WhenAll(requests);

        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        refused.Count.ShouldBe(2);
        (await refused[0].Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("snapshot.too-many");
        refused[0].Headers.RetryAfter.ShouldNotBeNull();
        responses.Count(r => r.StatusCode == HttpStatusCode.BadGateway).ShouldBe(SnapshotLimiter.MaxConcurrent, "the admitted ones ran and timed out");
    }
}

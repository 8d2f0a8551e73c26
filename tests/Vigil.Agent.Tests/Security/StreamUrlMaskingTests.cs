using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
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
        // A port that accepts and hangs up at once: ffmpeg fails and names the URL it was given in its error.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var hangingUp = HangUpAsync(listener, stop.Token);
        var url = $"http://viewer:{Secret}@127.0.0.1:{port}/cam";
        await using var agent = await AgentUnderTest.StartAsync([]);

        (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), new CameraConfig("door", "Door", url), ContractJson.Options))
            .EnsureSuccessStatusCode();
        var problem = await Eventually.GetAsync(async () =>
            (await agent.HealthAsync()).Cameras.SingleOrDefault(c => c.Problem?.Contains("viewer:", StringComparison.Ordinal) == true)?.Problem,
            TimeSpan.FromSeconds(30), "ffmpeg's error in the camera's health");
        await Eventually.UntilAsync(() => agent.Process.Output.Contains("ffmpeg ended", StringComparison.Ordinal), TimeSpan.FromSeconds(30),
            "the restart to be logged");
        var snapshot = await agent.Http.PostAsync(AgentRoutes.Snapshot("own", "door").TrimStart('/'), null);

        problem.ShouldContain($"viewer:***@127.0.0.1:{port}");
        problem.ShouldNotContain(Secret);
        agent.Process.Output.ShouldNotContain(Secret);
        (await snapshot.Content.ReadAsStringAsync()).ShouldNotContain(Secret);
        (await agent.GetAsync<List<CameraConfig>>(AgentRoutes.Cameras))!.Single().StreamUrl.ShouldBe(url, "the CMS needs the real URL for a takeover");
        (await agent.GetAsync<AuditList>(AgentRoutes.Audit))!.Entries.Single(e => e.Action == "camera.add").Detail.ShouldNotContain(Secret);
        await stop.CancelAsync();
        await hangingUp;
    }

    private static async Task HangUpAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
    }
}

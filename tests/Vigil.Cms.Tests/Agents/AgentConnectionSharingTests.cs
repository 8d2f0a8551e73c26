using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Vigil.Cms.Agents;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Tests.Agents;

/// <summary>
/// The CMS holds one connection per agent, whatever is in flight on it: over https the client speaks HTTP/2, so probes
/// answered while a slow call (an inventory copy, a restore) is still running travel on the same connection. A CMS for
/// 10 000 agents needs that to stay within its open-file limit. The agent here is a Kestrel server with the agent's
/// certificate setup (a self-signed certificate, HTTP/1.1 and HTTP/2 offered by ALPN) that counts its connections.
/// </summary>
public sealed class AgentConnectionSharingTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _certificateFolder = Directory.CreateTempSubdirectory("vigil-h2-");

    public void Dispose() => _certificateFolder.Delete(recursive: true);

    [Fact]
    public async Task Over_https_probes_answered_during_a_slow_call_travel_on_its_connection_as_HTTP_2()
    {
        using var certificate = SelfSignedCertificate.LoadOrCreate(_certificateFolder.FullName, "h2-agent", TimeProvider.System);
        var connections = 0;
        var protocols = new ConcurrentBag<string>();
        var slowCallArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finishSlowCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        await using var agent = TlsAgentStub.Build(certificate, () => Interlocked.Increment(ref connections));
        agent.Use((context, next) =>
        {
            protocols.Add(context.Request.Protocol);
            return next(context);
        });
        agent.MapGet(AgentRoutes.Info, async () =>
        {
            slowCallArrived.TrySetResult();
            await finishSlowCall.Task;
            return new AgentInfo("h2-agent", "test", "H2-1", VigilVersion.Current.ToString(), 8, 2, null, [], []);
        });
        agent.MapGet(AgentRoutes.Health, () => new AgentHealth(HealthOutcome.Ok, null, DateTimeOffset.UtcNow, [], []));
        await agent.StartAsync();
        var url = new Uri(agent.Urls.First());
        var address = new ServerAddress(url.Host, url.Port, Https: true);
        using var client = new AgentClient(new AgentEndpoint(address, SelfSignedCertificate.Fingerprint(certificate), Credential: "credential"), AgentClients.CallTimeout);

        var slowCall = client.InfoAsync(CancellationToken.None);
        await slowCallArrived.Task.WaitAsync(Deadline);
        for (var probe = 0; probe < 3; probe++)
        {
            (await client.HealthAsync(CancellationToken.None).WaitAsync(Deadline)).Outcome.ShouldBe(HealthOutcome.Ok);
        }

        slowCall.IsCompleted.ShouldBeFalse("the probes were answered while the slow call was still open");
        finishSlowCall.SetResult();
        (await slowCall.WaitAsync(Deadline)).Name.ShouldBe("h2-agent");

        connections.ShouldBe(1);
        protocols.Count.ShouldBe(4);
        protocols.ShouldAllBe(p => p == "HTTP/2");
        await agent.StopAsync();
    }
}

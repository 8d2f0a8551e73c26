using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Cms.Agents;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Tests.Agents;

/// <summary>
/// The connections the CMS holds to one paired agent: probes and inventory copies on a monitor connection (HTTP/1.1,
/// one call at a time, a call waiting its turn), commands on one shared HTTP/2 connection. So one open file per
/// agent, and a second only while the CMS gives it commands: a CMS for 10 000 agents needs that to stay within its
/// open-file limit. The agent here is a Kestrel server with the agent's certificate setup (a self-signed
/// certificate, HTTP/1.1 and HTTP/2 offered by ALPN) that notes the connection and protocol of every call. A call the
/// CMS cuts short by closing a client (a server edited or removed) says so, rather than that the agent fell silent.
/// </summary>
public sealed class AgentConnectionSharingTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _certificateFolder = Directory.CreateTempSubdirectory("vigil-h2-");
    private readonly ConcurrentQueue<Call> _calls = new();
    private int _connections;

    public void Dispose() => _certificateFolder.Delete(recursive: true);

    [Fact]
    public async Task Probes_and_inventory_copies_one_after_another_travel_on_one_HTTP_1_1_connection()
    {
        await using var agent = await StartAgentAsync(slowInfo: null, slowHealth: null);
        using var client = Paired(agent);

        for (var round = 0; round < 3; round++)
        {
            (await client.HealthAsync(CancellationToken.None).WaitAsync(Deadline)).Outcome.ShouldBe(HealthOutcome.Ok);
            (await client.InfoAsync(CancellationToken.None).WaitAsync(Deadline)).Name.ShouldBe("h2-agent");
        }

        _connections.ShouldBe(1);
        _calls.Count.ShouldBe(6);
        _calls.ShouldAllBe(c => c.Protocol == "HTTP/1.1");
        await agent.StopAsync();
    }

    [Fact]
    public async Task A_probe_that_finds_the_monitor_connection_busy_waits_its_turn_and_never_opens_another()
    {
        var slowCall = new SlowRoute();
        await using var agent = await StartAgentAsync(slowInfo: slowCall, slowHealth: null);
        using var client = Paired(agent);

        var copy = client.InfoAsync(CancellationToken.None);
        await slowCall.Arrived.Task.WaitAsync(Deadline);
        using (var timeout = new CancellationTokenSource())
        {
            var givenUp = client.HealthAsync(timeout.Token);
            await timeout.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(() => givenUp.WaitAsync(Deadline));
        }

        var waiting = client.HealthAsync(CancellationToken.None);
        _calls.ShouldNotContain(c => c.Path == AgentRoutes.Health, "a probe waiting for its turn is not sent");
        slowCall.Finish.SetResult();
        (await copy.WaitAsync(Deadline)).Name.ShouldBe("h2-agent");
        (await waiting.WaitAsync(Deadline)).Outcome.ShouldBe(HealthOutcome.Ok);

        _connections.ShouldBe(1);
        _calls.Count(c => c.Path == AgentRoutes.Health).ShouldBe(1, "the probe given up while it waited for its turn was never sent");
        _calls.ShouldAllBe(c => c.Protocol == "HTTP/1.1");
        await agent.StopAsync();
    }

    [Fact]
    public async Task A_probe_given_up_by_its_caller_keeps_its_connection_and_the_next_probe_reuses_it()
    {
        var slowProbe = new SlowRoute();
        await using var agent = await StartAgentAsync(slowInfo: null, slowHealth: slowProbe);
        using var client = Paired(agent);
        using (var timeout = new CancellationTokenSource())
        {
            var late = client.HealthAsync(timeout.Token);
            await slowProbe.Arrived.Task.WaitAsync(Deadline);
            await timeout.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(() => late.WaitAsync(Deadline));
        }

        var next = client.HealthAsync(CancellationToken.None);
        slowProbe.Finish.SetResult();
        (await next.WaitAsync(Deadline)).Outcome.ShouldBe(HealthOutcome.Ok);

        _connections.ShouldBe(1, "the given-up probe's connection was kept, not closed and reopened");
        _calls.Count.ShouldBe(2);
        _calls.Select(c => c.Connection).Distinct().ShouldHaveSingleItem();
        _calls.ShouldAllBe(c => c.Protocol == "HTTP/1.1");
        await agent.StopAsync();
    }

    [Fact]
    public async Task Calls_cut_short_by_closing_the_client_say_so_and_are_never_taken_for_the_agents_silence()
    {
        var slowProbe = new SlowRoute();
        await using var agent = await StartAgentAsync(slowInfo: null, slowHealth: slowProbe);
        using var client = Paired(agent);
        var inFlight = client.HealthAsync(CancellationToken.None);
        await slowProbe.Arrived.Task.WaitAsync(Deadline);
        var waitingItsTurn = client.InfoAsync(CancellationToken.None);

        // What the CMS does when the server's address, certificate or credential changes, or the server is removed.
        client.Dispose();

        // The rule is what every caller reads: a probe counts no miss by it, a takeover is tried again by it.
        (await Should.ThrowAsync<AgentCallException>(() => inFlight.WaitAsync(Deadline))).Rule.ShouldBe(AgentCallException.Rules.ClientClosed);
        (await Should.ThrowAsync<AgentCallException>(() => waitingItsTurn.WaitAsync(Deadline))).Rule.ShouldBe(AgentCallException.Rules.ClientClosed);
        (await Should.ThrowAsync<AgentCallException>(() => client.HealthAsync(CancellationToken.None).WaitAsync(Deadline)))
            .Rule.ShouldBe(AgentCallException.Rules.ClientClosed);
        (await Should.ThrowAsync<AgentCallException>(() => client.RevokeCredentialAsync(CancellationToken.None).WaitAsync(Deadline)))
            .Rule.ShouldBe(AgentCallException.Rules.ClientClosed);
        slowProbe.Finish.SetResult();
        await agent.StopAsync();
    }

    [Fact]
    public async Task A_client_adding_a_server_makes_its_calls_on_one_HTTP_2_connection()
    {
        await using var agent = await StartAgentAsync(slowInfo: null, slowHealth: null);
        var url = new Uri(agent.Urls.First());
        using var client = AgentClients.WithPassword(new ServerAddress(url.Host, url.Port, Https: true), "admin-password", _fingerprint);

        (await client.InfoAsync(CancellationToken.None).WaitAsync(Deadline)).Name.ShouldBe("h2-agent");
        (await client.HealthAsync(CancellationToken.None).WaitAsync(Deadline)).Outcome.ShouldBe(HealthOutcome.Ok);

        _connections.ShouldBe(1);
        _calls.ShouldAllBe(c => c.Protocol == "HTTP/2");
        await agent.StopAsync();
    }

    private string? _fingerprint;

    private async Task<WebApplication> StartAgentAsync(SlowRoute? slowInfo, SlowRoute? slowHealth)
    {
        var certificate = SelfSignedCertificate.LoadOrCreate(_certificateFolder.FullName, "h2-agent", TimeProvider.System);
        _fingerprint = SelfSignedCertificate.Fingerprint(certificate);
        var agent = TlsAgentStub.Build(certificate, () => Interlocked.Increment(ref _connections));
        agent.Use((context, next) =>
        {
            _calls.Enqueue(new Call(context.Request.Path, context.Request.Protocol, context.Connection.Id));
            return next(context);
        });
        agent.MapGet(AgentRoutes.Info, async () =>
        {
            await (slowInfo?.HoldAsync() ?? Task.CompletedTask);
            return new AgentInfo("h2-agent", "test", "H2-1", VigilVersion.Current.ToString(), 8, 2, null, [], []);
        });
        agent.MapGet(AgentRoutes.Health, async () =>
        {
            await (slowHealth?.HoldAsync() ?? Task.CompletedTask);
            return new AgentHealth(HealthOutcome.Ok, null, DateTimeOffset.UtcNow, [], []);
        });
        await agent.StartAsync();
        return agent;
    }

    private AgentClient Paired(WebApplication agent)
    {
        var url = new Uri(agent.Urls.First());
        return new AgentClient(new AgentEndpoint(new ServerAddress(url.Host, url.Port, Https: true), _fingerprint, Credential: "credential"), AgentClients.CallTimeout);
    }

    private sealed record Call(PathString Path, string Protocol, string Connection);

    /// <summary>A route that holds its first call until the test lets it finish; later calls pass.</summary>
    private sealed class SlowRoute
    {
        private int _held;

        public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task HoldAsync()
        {
            if (Interlocked.Exchange(ref _held, 1) == 1)
            {
                return Task.CompletedTask;
            }

            Arrived.TrySetResult();
            return Finish.Task;
        }
    }
}

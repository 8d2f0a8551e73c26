using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Agents;

/// <summary>The CMS's HTTP client of the agent API against a real agent.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class AgentClientTests(AgentsFixture agents)
{
    /// <summary>Far above any epoch the fixture's agents obeyed: refused as unknown, never as stale.</summary>
    private const long Epoch = long.MaxValue / 2;

    [Fact]
    public async Task Releasing_discarding_or_removing_the_footage_of_a_key_the_agent_never_heard_of_is_done_not_an_error()
    {
        // As the CMS speaks to it: with a credential of its own pairing (a managed agent refuses these calls with its admin password).
        var address = AgentsFixture.Address(agents.Standby1);
        using var pairing = AgentClients.WithPassword(address, AgentsFixture.Password, pinnedFingerprint: null);
        var credential = (await pairing.PairAsync(AgentsFixture.Password, "agent-client-tests", "agent-client-tests", CancellationToken.None)).Credential;
        using var client = new AgentClient(new AgentEndpoint(address, PinnedFingerprint: null, Credential: credential), AgentClients.CallTimeout);

        await client.ReleaseAsync("never-taken-over", Epoch, CancellationToken.None);
        await client.DiscardFootageAsync("never-taken-over", Epoch, CancellationToken.None);
        (await client.RemoveFootageAsync("never-taken-over", new FootageRemoval(Epoch, [new string('0', 64)]), CancellationToken.None))
            .ShouldBe(new FootageRemovalResult(0, 0));
    }

    [Fact]
    public async Task An_answer_larger_than_the_cap_is_refused_instead_of_held_in_memory()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var hostile = builder.Build();
        hostile.MapGet(AgentRoutes.Identity, async (HttpContext context) =>
        {
            // A JSON string that never ends: the client must stop reading at its cap.
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("{\"name\":\"");
            var chunk = new string('x', 1024 * 1024);
            for (var sent = 0L; sent <= AgentClient.MaxResponseBytes && !context.RequestAborted.IsCancellationRequested; sent += chunk.Length)
            {
                await context.Response.WriteAsync(chunk, context.RequestAborted);
            }
        });
        await hostile.StartAsync();
        var url = new Uri(hostile.Urls.First());
        using var client = AgentClients.Anonymous(new ServerAddress(url.Host, url.Port, Https: false));

        var refused = await Should.ThrowAsync<AgentCallException>(() => client.IdentityAsync(CancellationToken.None));

        refused.Rule.ShouldBe(AgentCallException.Rules.NotAnAgent);
        refused.Message.ShouldContain("more than 64 MiB");
        await hostile.StopAsync();
    }

    [Fact]
    public async Task A_redirect_is_a_failed_call_and_is_not_followed()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var hostile = builder.Build();
        var followed = false;
        hostile.MapGet(AgentRoutes.Identity, () => Results.Redirect("/elsewhere"));
        hostile.MapGet("/elsewhere", () =>
        {
            followed = true;
            return Results.Ok(new { name = "impostor" });
        });
        await hostile.StartAsync();
        var url = new Uri(hostile.Urls.First());
        using var client = AgentClients.Anonymous(new ServerAddress(url.Host, url.Port, Https: false));

        await Should.ThrowAsync<AgentCallException>(() => client.IdentityAsync(CancellationToken.None));

        followed.ShouldBeFalse();
        await hostile.StopAsync();
    }

    [Fact]
    public void No_secret_can_be_aimed_at_an_https_agent_without_a_pinned_certificate()
    {
        var address = AgentsFixture.Address(agents.SecureStandby);

        Should.Throw<InvalidOperationException>(() => AgentClients.WithPassword(address, AgentsFixture.Password, pinnedFingerprint: null));
        Should.Throw<InvalidOperationException>(() => new AgentClient(new AgentEndpoint(address, null, Credential: "stolen"), AgentClients.CallTimeout));
        using var anonymous = AgentClients.Anonymous(address);
        anonymous.Endpoint.Credential.ShouldBeNull();
    }
}

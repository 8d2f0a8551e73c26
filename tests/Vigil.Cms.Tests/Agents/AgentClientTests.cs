using Vigil.Cms.Agents;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Agent;

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
        using var client = AgentClients.WithPassword(AgentsFixture.Address(agents.Standby1), AgentsFixture.Password, pinnedFingerprint: null);

        await client.ReleaseAsync("never-taken-over", Epoch, CancellationToken.None);
        await client.DiscardFootageAsync("never-taken-over", Epoch, CancellationToken.None);
        (await client.RemoveFootageAsync("never-taken-over", new FootageRemoval(Epoch, [new string('0', 64)]), CancellationToken.None))
            .ShouldBe(new FootageRemovalResult(0, 0));
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

using Vigil.Cms.Agents;
using Vigil.Cms.Tests.Simulation;
using Vigil.Domain.Health;

namespace Vigil.Cms.Tests.Monitoring;

/// <summary>
/// A probe cut short because the CMS closed the server's client (the server was edited or removed while it was in
/// flight) tells nothing about the server: under the simulation's fake clock with the CMS's real probe round, it is
/// neither a miss nor an answer, where the same round with the agent down is a miss.
/// </summary>
public sealed class ProbeRoundClosedClientTests
{
    [Fact]
    public async Task A_probe_cut_short_by_closing_the_servers_client_is_not_observed_while_a_down_agent_is_a_miss()
    {
        await using var site = await SimSite.StartAsync();
        var agent = await site.AddServerAsync("rec-1", standby: false, site.DefaultGroup, cameras: 1);
        var server = (await site.ServersAsync()).Single().Id;
        await RoundAsync(site);
        var answeredAt = site.Board.Describe(server).LastProbe;
        answeredAt.ShouldNotBeNull();

        site.Time.Advance(TimeSpan.FromSeconds(1));
        agent.ProbeHeld = () => Task.FromException(new AgentCallException(AgentCallException.Rules.ClientClosed, "closed by the test"));
        await RoundAsync(site);
        site.Board.Describe(server).State.ShouldBe(HealthState.Healthy);
        site.Board.Describe(server).LastProbe.ShouldBe(answeredAt, "the probe cut short was not taken as an answer either");

        agent.ProbeHeld = null;
        agent.Down = true;
        site.Time.Advance(TimeSpan.FromSeconds(1));
        await RoundAsync(site);
        site.Board.Describe(server).State.ShouldBe(HealthState.Suspect, "a down agent's probe is a miss");
    }

    private static async Task RoundAsync(SimSite site) =>
        await Task.WhenAll(await site.Probes.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10))).WaitAsync(TimeSpan.FromSeconds(10));
}

using Vigil.Cms.Tests.Simulation;
using Vigil.Domain;
using Vigil.Domain.Health;

namespace Vigil.Cms.Tests.Monitoring;

/// <summary>
/// The monitor blames a server only on evidence about it, under the fake clock of the simulation with the CMS's real
/// probe round and engine: probes that time out while the CMS itself stalls are not misses, a refused connection
/// still is, and the same timeouts with the CMS on time fail the server as always.
/// </summary>
public sealed class ProbeRoundStallTests
{
    private const int Misses = 3;

    [Fact]
    public async Task Timeouts_while_the_cms_stalls_fail_no_server_but_a_refusal_still_does_and_timeouts_count_again_once_it_is_on_time()
    {
        await using var site = await SimSite.StartAsync(s => s with { MissesBeforeFailure = Misses });
        var rec1 = await site.AddServerAsync("rec-1", standby: false, site.DefaultGroup, cameras: 1);
        var rec2 = await site.AddServerAsync("rec-2", standby: false, site.DefaultGroup, cameras: 1);
        await site.AddServerAsync("standby-1", standby: true, site.DefaultGroup);
        await site.AddServerAsync("standby-2", standby: true, site.DefaultGroup);
        await TicksAsync(site, 3);

        // Ten probe intervals of a starved CMS: every probe times out as it sees them; rec-2 dies meanwhile, and its host refuses.
        site.CmsStalled = true;
        foreach (var agent in site.ById.Values)
        {
            agent.ProbesTimeOut = true;
        }

        rec2.ProbesTimeOut = false;
        rec2.Down = true;
        await TicksAsync(site, 10);
        site.Board.HealthOf(IdOf(site, rec1)).State.ShouldBe(HealthState.Healthy, "timeouts while the CMS stalled say nothing about rec-1");
        site.Board.HealthOf(IdOf(site, rec2)).State.ShouldBe(HealthState.Failed, "a refused connection is evidence even then");
        site.Ledger.Open.Select(e => e.RecordingServer).ShouldBe([new ServerId(IdOf(site, rec2))]);

        // On time again: rec-1 really no longer answers, and its timeouts count from now on.
        site.CmsStalled = false;
        foreach (var agent in site.ById.Values.Where(a => a != rec1))
        {
            agent.ProbesTimeOut = false;
        }

        await TicksAsync(site, Misses);
        site.Board.HealthOf(IdOf(site, rec1)).State.ShouldBe(HealthState.Failed);
    }

    [Fact]
    public async Task The_same_timeouts_with_the_cms_on_time_fail_the_server()
    {
        await using var site = await SimSite.StartAsync(s => s with { MissesBeforeFailure = Misses });
        var rec = await site.AddServerAsync("rec-1", standby: false, site.DefaultGroup, cameras: 1);
        await site.AddServerAsync("standby-1", standby: true, site.DefaultGroup);
        await TicksAsync(site, 3);

        rec.ProbesTimeOut = true;
        await TicksAsync(site, Misses);
        site.Board.HealthOf(IdOf(site, rec)).State.ShouldBe(HealthState.Failed);
    }

    private static async Task TicksAsync(SimSite site, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await site.TickAsync();
        }
    }

    private static int IdOf(SimSite site, SimAgent agent) => site.ById.Single(a => a.Value == agent).Key;
}

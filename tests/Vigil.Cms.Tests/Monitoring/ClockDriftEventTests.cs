using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Tests.Simulation;
using Vigil.Domain.Clock;

namespace Vigil.Cms.Tests.Monitoring;

/// <summary>The probe round measures each server's clock: the server view shows it, the event log says when it drifts and when it is back.</summary>
public sealed class ClockDriftEventTests
{
    [Fact]
    public async Task A_clock_five_seconds_ahead_is_drifting_once_and_back_in_step_once()
    {
        await using var site = await SimSite.StartAsync();
        var agent = await site.AddServerAsync("rec-clock", standby: false, site.DefaultGroup);
        await site.TickAsync();
        (await ClockEventsAsync(site)).ShouldBeEmpty("in step");

        agent.Skew = TimeSpan.FromSeconds(5);
        await site.TickAsync();
        await site.TickAsync();
        var id = await site.ReadAsync(async db => (await db.Servers.AsNoTracking().SingleAsync()).Id);
        Contracts.Cms.ServerView? shown = null;
        await site.OperateAsync<ServerViews>(async views => shown = await views.FindAsync(id, CancellationToken.None));
        shown!.Clock!.OffsetSeconds.ShouldBe(5);
        shown.Clock.Drifting.ShouldBeTrue();

        agent.Skew = TimeSpan.Zero;
        await site.TickAsync();
        await site.TickAsync();
        var events = await ClockEventsAsync(site);
        events.Select(e => (e.From, e.To)).ShouldBe([(EventLog.InStep, EventLog.Drifting), (EventLog.Drifting, EventLog.InStep)]);
        events[0].Reason.ShouldContain("+5.0 s from the CMS's");
        events[0].ServerName.ShouldBe("rec-clock");
    }

    [Fact]
    public void A_server_id_given_to_another_agent_starts_afresh()
    {
        var board = new ClockBoard();
        var off = new ClockReading(TimeSpan.FromSeconds(9), TimeSpan.Zero);
        board.Observe(7, "SERIAL-A", off).ShouldBe(true);
        board.Observe(7, "SERIAL-A", off).ShouldBeNull();
        board.Observe(7, "SERIAL-B", off).ShouldBe(true, "another agent's clock is judged on its own");
        board.ViewOf(8).ShouldBeNull("never probed");
    }

    private static Task<List<Vigil.Cms.Storage.EventRow>> ClockEventsAsync(SimSite site) =>
        site.ReadAsync(db => db.Events.AsNoTracking().Where(e => e.Kind == EventLog.ClockKind).OrderBy(e => e.Id).ToListAsync());
}

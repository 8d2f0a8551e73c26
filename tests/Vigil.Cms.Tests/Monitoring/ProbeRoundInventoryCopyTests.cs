using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Tests.Simulation;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Tests.Monitoring;

/// <summary>
/// The monitor's inventory copy under the simulation's fake clock with the CMS's real probe round: a row confirmed
/// because it is due is written and that row alone read back, a changed report is written and read back at once, and
/// a copy waits for its server's probe of the round, so the two take the agent's monitor connection in turn.
/// </summary>
public sealed class ProbeRoundInventoryCopyTests
{
    [Fact]
    public async Task A_due_copy_is_asked_for_only_once_its_servers_probe_of_the_round_is_over()
    {
        await using var site = await SimSite.StartAsync();
        var agent = await site.AddServerAsync("rec-1", standby: false, site.DefaultGroup, cameras: 1);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.ProbeHeld = () => answer.Task;
        var asked = agent.InfoCalls;

        var round = site.Probes.RunAsync(CancellationToken.None);
        agent.InfoCalls.ShouldBe(asked, "the copy is not sent while the probe is in flight");
        answer.SetResult();
        await Task.WhenAll(await round.WaitAsync(TimeSpan.FromSeconds(10))).WaitAsync(TimeSpan.FromSeconds(10));

        agent.InfoCalls.ShouldBe(asked + 1, "the copy, due at the server's first round, followed its probe");
    }

    [Fact]
    public async Task A_due_confirmation_and_a_changed_report_are_written_and_read_back()
    {
        await using var site = await SimSite.StartAsync();
        var agent = await site.AddServerAsync("rec-1", standby: false, site.DefaultGroup, cameras: 1);
        var added = (await site.ServersAsync()).Single().LastSyncedAt;
        await site.TickAsync();

        site.Time.Advance(InventoryFreshness.ConfirmEvery);
        await site.TickAsync();
        var confirmedAt = site.Time.GetUtcNow();
        (await site.ServersAsync()).Single().LastSyncedAt.ShouldBe(confirmedAt);
        added.ShouldNotBe(confirmedAt);
        (await site.ServerDirectory.ReadAsync(CancellationToken.None)).Single().LastSyncedAt
            .ShouldBe(confirmedAt, "the confirmed row is read again, though its update passed by the interceptor");

        agent.OwnCameras.Add(new CameraConfig("rec-1-cam-2", "rec-1 camera 2", "rtsp://cameras.invalid/rec-1/2"));
        for (var tick = 0; tick < ProbeRound.SyncInterval.TotalSeconds; tick++)
        {
            await site.TickAsync();
        }

        AgentInventory.StoredCameras((await site.ServerDirectory.ReadAsync(CancellationToken.None)).Single()).Count.ShouldBe(2, "a changed report is written and read back");
    }
}

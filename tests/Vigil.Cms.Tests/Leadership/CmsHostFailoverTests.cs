using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Leadership;

/// <summary>
/// Two CMS hosts on real PostgreSQL with real agents and ffmpeg: the leader is SIGKILLed in the middle of a takeover,
/// the other host takes the lead and finishes it under the same epoch; the first comes back as a standby, and the new
/// leader is SIGKILLed in the middle of the restore, which the first finishes. Each completes once and every file the
/// standby recorded is home byte for byte.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class CmsHostFailoverTests() : FailoverSiteTests(cameras: 1, database: TestDatabase.PostgresAsync)
{
    [Fact]
    public async Task A_takeover_and_a_restore_each_complete_once_when_the_leader_is_killed_in_the_middle_of_them()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        await using var home = await AgentGate.StartAsync(recording.BaseUrl);
        await using var gate = await AgentGate.StartAsync(standby.BaseUrl);
        var rec = await Site.AddThroughAsync(home, ServerRoleName.Recording);
        await Site.AddThroughAsync(gate, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        var first = Cms;
        var second = await Site.StartCmsHostAsync();

        // The leader dies with the takeover sent and unanswered.
        gate.Hold(GatedCall.Takeover);
        await recording.KillTreeAsync();
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        var takingOver = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem();
        await first.Process.KillAsync();
        gate.Release();
        Site.Follow(second);
        await Site.WaitStatusAsync(rec.Id, "abnormal_protected");
        var active = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem();
        active.Id.ShouldBe(takingOver.Id);
        active.Epoch.ShouldBe(takingOver.Epoch, "the new leader resumed the takeover, not a new one under a new epoch");
        var key = active.FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 6, TimeSpan.FromSeconds(60), "the standby to record");

        // The first host comes back as a standby; the new leader dies with the restore under way.
        await first.StartAsync();
        gate.Hold(GatedCall.RestoreTransfer, letThrough: 1);
        recording = await Site.StartAgentAsync("rec");
        var backAt = DateTime.UtcNow;
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(60));
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("restoring");
        await second.Process.KillAsync();
        gate.Release();

        // The cleanup comes once the restore is done: the standby's files are hashed before they go.
        gate.Hold(GatedCall.FootageRemoval);
        Site.Follow(first);
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(90));
        var onStandby = Site.FailoverFileHashes("standby", key);
        gate.Release();
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the failover to end");

        done.Phase.ShouldBe("completed");
        done.Epoch.ShouldBe(active.Epoch);
        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);
        FailoverSite.ShouldAllBeHome(onStandby, Site.OwnFileHashes("rec"), cameras: 1);
        var events = (await Cms.GetAsync<EventList>($"{CmsRoutes.Events}?server={rec.Id}&kind=failover&limit=200")).Events;
        events.Count(e => e.To == "completed").ShouldBe(1);
        events.Count(e => e.To == "takingover").ShouldBe(1, "one takeover, resumed across the change of leader");
        (await FailoverSite.FailbackOverlapAsync(Site.OwnSegments("rec", "cam-1"), backAt)).ShouldBeGreaterThan(0, "make before break");
        var hosts = await Cms.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        hosts.Leader!.Generation.ShouldBe(3, "two changes of leader");
    }
}

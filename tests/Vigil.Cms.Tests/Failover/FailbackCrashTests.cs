using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The CMS SIGKILLed twice in a failback: while it releases the standby (the original records again), and while it
/// cleans the standby up after the restore. Gates hold each call so the kill lands inside it. Each time the restarted
/// CMS carries the failback on under the same epoch. In the end every file the standby wrote is on the original's
/// disk byte for byte, copied once, and the standby holds and records nothing.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class FailbackCrashTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task A_cms_killed_while_it_releases_the_standby_and_while_it_cleans_up_finishes_the_failback_after_its_restart()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        await using var home = await AgentGate.StartAsync(recording.BaseUrl);
        await using var gate = await AgentGate.StartAsync(standby.BaseUrl);
        var rec = await Site.AddThroughAsync(home, ServerRoleName.Recording);
        await Site.AddThroughAsync(gate, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "the recording server to record");

        await recording.KillTreeAsync();
        var active = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the takeover");
        var key = active.FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 3, TimeSpan.FromSeconds(30), "the standby to record");

        // The original is back and records; the CMS dies while its release of the standby is held at the gate.
        gate.Hold(GatedCall.Release);
        await Site.StartAgentAsync("rec");
        var backAt = DateTime.UtcNow;
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(90));
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldNotBe("completed");
        await Cms.Process.KillAsync();
        gate.Release();

        // Restarted, it releases again, restores, and dies once more while its cleanup of the standby is held.
        gate.Hold(GatedCall.FootageRemoval);
        await Cms.StartAsync();
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(90));
        var onStandby = Site.FailoverFileHashes("standby", key);
        await Cms.Process.KillAsync();
        gate.Release();
        await Cms.StartAsync();

        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the failback to end");
        done.Phase.ShouldBe("completed");
        done.Epoch.ShouldBe(active.Epoch, "the failback went on under the same epoch");
        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);
        FailoverSite.ShouldAllBeHome(onStandby, Site.OwnFileHashes("rec"), cameras: 1);
        Site.ShouldHaveCopiedEachOnce([home, gate], onStandby);
        (await FailoverSite.RecordingsAsync(standby, key)).ShouldBeEmpty();
        (await FailoverSite.TakeoversAsync(standby)).ShouldBeEmpty();
        Site.FailoverSegments("standby", key, "cam-1").ShouldBeEmpty();

        var segments = Site.OwnSegments("rec", "cam-1");
        var bound = (FailoverSite.ProbeSeconds * FailoverSite.Misses) + FailoverSite.SegmentSeconds + 1;
        (await CameraTimeline.ReadAsync(segments)).LongestGap().ShouldBeLessThanOrEqualTo(bound, $"camera-time gap (bound {bound} s)");
        (await FailoverSite.FailbackOverlapAsync(segments, backAt)).ShouldBeGreaterThan(0, "make before break, through both crashes");
    }
}

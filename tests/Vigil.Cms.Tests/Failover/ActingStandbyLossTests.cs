using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The acting standby dies mid-failover, with real processes: the next standby takes over under a newer epoch,
/// the dead one comes back holding its part of the outage, and at failback the footage split across both is on the
/// original's disk byte for byte, each file copied once, with the camera-time gap of a second detection bounded and
/// the restore kept to its bandwidth limit, as measured where the original receives it.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ActingStandbyLossTests() : FailoverSiteTests(cameras: 1, s => s with { RestoreBandwidthBytesPerSecond = Bandwidth })
{
    /// <summary>Low enough that the outage's footage takes several seconds to come home, so the rate can be measured.</summary>
    private const long Bandwidth = 100_000;

    [Fact]
    public async Task When_the_acting_standby_dies_the_next_takes_over_and_the_footage_of_both_comes_home()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var first = await Site.StartAgentAsync("standby-1");
        var second = await Site.StartAgentAsync("standby-2");
        await using var home = await AgentGate.StartAsync(recording.BaseUrl);
        await using var gate1 = await AgentGate.StartAsync(first.BaseUrl);
        await using var gate2 = await AgentGate.StartAsync(second.BaseUrl);
        var rec = await Site.AddThroughAsync(home, ServerRoleName.Recording);
        var sb1 = await Site.AddThroughAsync(gate1, ServerRoleName.Standby);
        var sb2 = await Site.AddThroughAsync(gate2, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Site.WaitStatusAsync(sb2.Id, "normal_ready");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "the recording server to record");

        await recording.KillTreeAsync();
        var taken = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the first standby to take over");
        taken.StandbyId.ShouldBe(sb1.Id, "standby-1 is first in the group's order");
        var key = taken.FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-1", key, "cam-1").Count >= 3, TimeSpan.FromSeconds(30), "standby-1 to record");

        // The acting standby dies: the next one takes the same failover over, under a newer epoch.
        await first.KillTreeAsync();
        var retaken = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active" && f.StandbyId == sb2.Id, "standby-2 to take over");
        retaken.Id.ShouldBe(taken.Id);
        retaken.Epoch.ShouldBeGreaterThan(taken.Epoch);
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-2", key, "cam-1").Count >= 3, TimeSpan.FromSeconds(30), "standby-2 to record");

        // standby-1 comes back with its part of the outage, then the original: both parts are restored and only then removed.
        await Site.StartAgentAsync("standby-1");
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(sb1.Id))).Health.State == "healthy",
            TimeSpan.FromSeconds(30), "standby-1 to answer probes again");
        gate1.Hold(GatedCall.FootageRemoval);
        gate2.Hold(GatedCall.FootageRemoval);
        await Site.StartAgentAsync("rec");
        var backAt = DateTime.UtcNow;
        await Task.WhenAny(gate1.Held, gate2.Held).WaitAsync(TimeSpan.FromSeconds(90));
        var onFirst = Site.FailoverFileHashes("standby-1", key);
        var onSecond = Site.FailoverFileHashes("standby-2", key);
        gate1.Release();
        gate2.Release();
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the failback to end");
        done.Phase.ShouldBe("completed");

        var ownHashes = Site.OwnFileHashes("rec");
        FailoverSite.ShouldAllBeHome(onFirst, ownHashes, cameras: 1);
        FailoverSite.ShouldAllBeHome(onSecond, ownHashes, cameras: 1);
        Site.ShouldHaveCopiedEachOnce([home, gate1, gate2], onFirst, onSecond);

        // The limit paces every read of the copy, and a pause earns at most a quarter second of credit; measured from the first
        // file's start to the last one's end over n files, n/(n-1) times the limit and 10% more leave room for that and for timing.
        var transfers = AgentGate.RestoresAcross(home, gate1, gate2).Count;
        transfers.ShouldBeGreaterThanOrEqualTo(5);
        AgentGate.RestoreBytesPerSecond(home, gate1, gate2).ShouldNotBeNull().ShouldBeLessThanOrEqualTo(Bandwidth * transfers / (transfers - 1.0) * 1.1, "the restore bandwidth limit");
        (await FailoverSite.RecordingsAsync(first, key)).ShouldBeEmpty();
        Site.FailoverSegments("standby-1", key, "cam-1").ShouldBeEmpty();
        Site.FailoverSegments("standby-2", key, "cam-1").ShouldBeEmpty();

        // Camera time across both takeovers: each waited one detection window at most.
        var segments = Site.OwnSegments("rec", "cam-1");
        var bound = (FailoverSite.ProbeSeconds * FailoverSite.Misses) + FailoverSite.SegmentSeconds + 1;
        (await CameraTimeline.ReadAsync(segments)).LongestGap().ShouldBeLessThanOrEqualTo(bound, $"camera-time gap across both takeovers (bound {bound} s)");
        (await FailoverSite.FailbackOverlapAsync(segments, backAt)).ShouldBeGreaterThan(0, "make before break at failback");
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Site.WaitStatusAsync(sb1.Id, "normal_ready");
    }
}

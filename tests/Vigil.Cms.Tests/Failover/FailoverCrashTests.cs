using System.Diagnostics;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// Durability with SIGKILL: the CMS dies in the middle of a takeover and in the middle of a restore, the
/// standby dies during the restore, and the original dies again during the restore. Each time the episode
/// resumes where it was, with no command redone under a new epoch and no recording copied twice but what was in flight when the original was killed, and in the
/// end every file the standby wrote is on the original's disk byte for byte and gone from the standby, with the
/// camera-time gap bounded and the last failback made before the standby stopped. It runs with the CMS on SQLite and
/// on PostgreSQL.
/// </summary>
public abstract class FailoverCrashTests(Func<Task<TestDatabase>> database)
    : FailoverSiteTests(cameras: 1, database: database)
{
    [Fact]
    public async Task Every_takeover_and_restore_survives_a_crash_of_the_cms_the_standby_or_the_original()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        await using var home = await AgentGate.StartAsync(recording.BaseUrl);
        await using var gate = await AgentGate.StartAsync(standby.BaseUrl);
        var rec = await Site.AddThroughAsync(home, ServerRoleName.Recording);
        var sb = await Site.AddThroughAsync(gate, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "the recording server to record");

        // The CMS dies mid-takeover: the standby is sent the takeover, which the gate holds unanswered.
        gate.Hold(GatedCall.Takeover);
        await recording.KillTreeAsync();
        var unrecorded = Stopwatch.StartNew();
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        var takingOver = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem();
        takingOver.Phase.ShouldBe("takingover");
        await Cms.Process.KillAsync();
        gate.Release();
        var heldFor = unrecorded.Elapsed.TotalSeconds;
        await Cms.StartAsync();
        await Site.WaitStatusAsync(rec.Id, "abnormal_protected");
        var active = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem();
        active.Id.ShouldBe(takingOver.Id);
        active.Epoch.ShouldBe(takingOver.Epoch, "the takeover resumed, not started again under a new epoch");
        var key = active.FootageKey;
        // Each hold below lets a file through and holds the others in flight (eight at a time): three holds need files enough.
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 16, TimeSpan.FromSeconds(60), "the standby to record");

        // The CMS dies mid-restore: the original fetches one file from the standby and the next fetches wait at the standby's
        // gate. Released after the kill, the held fetches still reach the standby, as late packets would; nothing may come twice.
        gate.Hold(GatedCall.RestoreTransfer, letThrough: 1);
        recording = await Site.StartAgentAsync("rec");
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(60));
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("restoring");
        await Cms.Process.KillAsync();
        gate.Release();
        gate.Hold(GatedCall.RestoreTransfer, letThrough: 1);
        await Cms.StartAsync();
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(60));
        var resumed = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
        resumed.Phase.ShouldBe("restoring", "the restarted CMS resumed the restore");
        resumed.Epoch.ShouldBe(active.Epoch);

        // The standby dies mid-restore, while a fetch of its footage waits at its gate, and comes back.
        await standby.KillTreeAsync();
        await Site.WaitStatusAsync(sb.Id, "abnormal");
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("restoring");
        gate.Release();
        gate.Hold(GatedCall.RestoreTransfer, letThrough: 1);
        standby = await Site.StartAgentAsync("standby");
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(60));

        // The original dies again mid-restore, with a fetch held: the standby holding the footage takes it over again, under a newer epoch.
        await recording.KillTreeAsync();
        gate.Release();
        var retaken = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the standby to take the server over again");
        retaken.Epoch.ShouldBeGreaterThan(active.Epoch);
        retaken.StandbyId.ShouldBe(sb.Id);
        await Eventually.UntilAsync(async () => (await FailoverSite.RecordingsAsync(standby, key)).Any(r => r.Start > DateTimeOffset.UtcNow.AddSeconds(-10)),
            TimeSpan.FromSeconds(30), "the standby to record again");

        var (onStandby, backAt) = await Site.ReturnAndHashAtCleanupAsync(gate, "standby", key);
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the failover to end");
        done.Phase.ShouldBe("completed");
        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);

        FailoverSite.ShouldAllBeHome(onStandby, Site.OwnFileHashes("rec"), cameras: 1);
        // A download cut off by a kill can be home without the gate counting it whole, so here the count is at most one per file;
        // the end-to-end test, with no kill during the restore, holds it exact. A pull goes on when the CMS dies, so that kill
        // repeats nothing; the original's kill can: a file the standby sent whole into the socket just before may never have
        // been written, and comes again. At most the eight files in flight then repeat, once.
        // A file the original recorded too comes when its own copy was not yet catalogued as the restore looked: counted as well.
        AgentGate.RecordingsAcross(home, gate).ShouldBeLessThanOrEqualTo(onStandby.Values.Sum(c => c.Count), "at most one transfer for each file the standby held");
        var repeated = AgentGate.RestoresAcross(home, gate).Where(r => r.Value > 1).ToList();
        repeated.Count.ShouldBeLessThanOrEqualTo(8, "only what was in flight when the original was killed comes twice");
        repeated.ShouldAllBe(r => r.Value == 2);
        (await FailoverSite.RecordingsAsync(standby, key)).ShouldBeEmpty();

        // Camera time: the first takeover waited at the gate for as long as the test held it; the second had the normal window.
        var segments = Site.OwnSegments("rec", "cam-1");
        var timeline = await CameraTimeline.ReadAsync(segments);
        var bound = Math.Max(heldFor, FailoverSite.ProbeSeconds * FailoverSite.Misses) + FailoverSite.SegmentSeconds + 1;
        timeline.LongestGap().ShouldBeLessThanOrEqualTo(bound, $"camera-time gap across both takeovers and the failbacks (bound {bound:0.0} s)");
        (await FailoverSite.FailbackOverlapAsync(segments, backAt)).ShouldBeGreaterThan(0, "make before break at the last failback");
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Site.WaitStatusAsync(sb.Id, "normal_ready");
    }
}

[Collection(CmsTestGroup.Name)]
public sealed class SqliteFailoverCrashTests() : FailoverCrashTests(TestDatabase.SqliteAsync);

[Collection(CmsTestGroup.Name)]
public sealed class PostgresFailoverCrashTests() : FailoverCrashTests(TestDatabase.PostgresAsync);

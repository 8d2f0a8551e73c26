using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Xunit.Abstractions;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The whole failover with real processes and real ffmpeg: a paused agent that comes back within the
/// detection window is not taken over; a SIGKILLed one is, by the standby, within the detection window
/// plus one segment; when it returns it records before the standby stops (for every camera), every file the
/// standby wrote (segments and a snapshot) is on the original's disk byte for byte, each copied once, and is then removed from the standby.
/// It runs with the CMS on SQLite and on PostgreSQL.
/// </summary>
public abstract class FailoverEndToEndTests(ITestOutputHelper output, Func<Task<TestDatabase>> database)
    : FailoverSiteTests(cameras: 2, database: database)
{
    [Fact]
    public async Task A_killed_recording_server_is_taken_over_and_gets_every_second_back()
    {
        var recording = await Site.StartAgentAsync("rec", 1, 2);
        var standby = await Site.StartAgentAsync("standby");

        // Both through gates: each counts the restore transfers through it (the standby's the original's fetches), the standby's holds the cleanup.
        await using var home = await AgentGate.StartAsync(recording.BaseUrl);
        await using var gate = await AgentGate.StartAsync(standby.BaseUrl);
        var rec = await Site.AddThroughAsync(home, ServerRoleName.Recording);
        var sb = await Site.AddThroughAsync(gate, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "cam-1").Count >= 3, TimeSpan.FromSeconds(30), "the recording server to record");

        // A pause shorter than the detection window is a flap, not a failure: paused until the CMS has seen a probe
        // missed (the server turns suspect), then resumed, long before the misses that would fail it.
        FailoverSite.Signal(recording, "STOP");
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).Health.State == "suspect",
            TimeSpan.FromSeconds(FailoverSite.ProbeSeconds * (FailoverSite.Misses + 5)), "the CMS to miss a probe of the paused server");
        FailoverSite.Signal(recording, "CONT");
        var resumedAt = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(async () =>
        {
            var health = (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).Health;
            return health.State == "healthy" && health.LastProbe > resumedAt + TimeSpan.FromSeconds(FailoverSite.ProbeSeconds);
        }, TimeSpan.FromSeconds(20), "probes to succeed again after the pause");
        (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldBeEmpty();
        (await Cms.GetAsync<EventList>(CmsRoutes.Events)).Events.ShouldNotContain(e => e.Kind == "failover");

        await recording.KillTreeAsync();
        await Site.WaitStatusAsync(rec.Id, "abnormal_protected");
        (await Site.StatusOfAsync(sb.Id)).ShouldBe("normal_protecting");
        var failover = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem();
        failover.StandbyId.ShouldBe(sb.Id);
        failover.Epoch.ShouldBeGreaterThan(0);
        var key = failover.FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 4, TimeSpan.FromSeconds(30), "the standby to record");

        // An operator takes a still image during the outage: it belongs to the recording server's footage too.
        var snapshot = await FailoverSite.SnapshotAsync(standby, key, "cam-1");

        // Changing the protected server is refused while the standby records for it.
        var frozen = await Cms.Http.PatchAsJsonAsync(CmsRoutes.Server(rec.Id).TrimStart('/'), new EditServerRequest(Name: "renamed"), ContractJson.Options);
        await frozen.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.protected-during-failover");

        var (onStandby, backAt) = await Site.ReturnAndHashAtCleanupAsync(gate, "standby", key);
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "failback and restore to complete");

        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);
        done.Restore.Percent.ShouldBe(100);
        var homeFiles = Site.OwnFileHashes("rec");
        FailoverSite.ShouldAllBeHome(onStandby, homeFiles, cameras: 2);
        homeFiles["cam-1"].ShouldContain(snapshot.Sha256, "the snapshot taken on the standby is on the original byte for byte");
        Site.ShouldHaveCopiedEachOnce([home, gate], onStandby);
        (await FailoverSite.RecordingsAsync(standby, key)).ShouldBeEmpty("the standby's failover footage is removed");
        Directory.Exists(Path.Combine(Site.DataOf("standby"), "space1", "failover", key)).ShouldBeFalse();
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Site.WaitStatusAsync(sb.Id, "normal_ready");

        // Camera time, camera by camera: own segments before the kill, the standby's segments (now restored home), own segments after.
        var bound = (FailoverSite.ProbeSeconds * FailoverSite.Misses) + FailoverSite.SegmentSeconds + 1;
        foreach (var camera in new[] { "cam-1", "cam-2" })
        {
            var segments = Site.OwnSegments("rec", camera);
            var all = await CameraTimeline.ReadAsync(segments);
            all.LongestGap().ShouldBeLessThanOrEqualTo(bound, $"{camera}: camera-time gap across takeover and failback (bound {bound} s)");
            var overlap = await FailoverSite.FailbackOverlapAsync(segments, backAt);
            output.WriteLine($"{camera}: camera-time gap {all.LongestGap():0.00} s (bound {bound} s); failback overlap {overlap:0.00} s; {done.Restore.FilesTotal} files restored");
            overlap.ShouldBeGreaterThan(0, $"{camera}: make before break, the original records before the standby stops");
        }

        var events = await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}&limit=200");
        events.Events.Select(e => e.To).ShouldContain("active");
        events.Events.Select(e => e.To).ShouldContain("restoring");
        events.Events.Select(e => e.To).ShouldContain("completed");
    }
}

[Collection(CmsTestGroup.Name)]
public sealed class SqliteFailoverEndToEndTests(ITestOutputHelper output) : FailoverEndToEndTests(output, TestDatabase.SqliteAsync);

[Collection(CmsTestGroup.Name)]
public sealed class PostgresFailoverEndToEndTests(ITestOutputHelper output) : FailoverEndToEndTests(output, TestDatabase.PostgresAsync);

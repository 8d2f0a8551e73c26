using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Xunit.Abstractions;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The whole failover with real processes and real ffmpeg: a paused agent that comes back within the
/// detection window is not taken over; a SIGKILLed one is, by the standby, within the detection window
/// plus one segment; when it returns it records before the standby stops, and every segment the
/// standby made is copied home with its checksum and then removed from the standby.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class FailoverEndToEndTests(ITestOutputHelper output) : FailoverSiteTests(cameras: 2)
{
    [Fact]
    public async Task A_killed_recording_server_is_taken_over_and_gets_every_second_back()
    {
        var recording = await Site.StartAgentAsync("rec", 1, 2);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        var sb = await Site.AddAsync(standby, ServerRoleName.Standby);
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
        var key = $"episode-{failover.Id}";
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 4, TimeSpan.FromSeconds(30), "the standby to record");

        // Changing the protected server is refused while the standby records for it.
        var frozen = await Cms.Http.PatchAsJsonAsync(CmsRoutes.Server(rec.Id).TrimStart('/'), new EditServerRequest(Name: "renamed"), ContractJson.Options);
        await frozen.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.protected-during-failover");

        var onStandby = await FailoverSite.RecordingsAsync(standby, key);
        onStandby.ShouldNotBeEmpty();
        var back = await Site.StartAgentAsync("rec");
        var backAt = DateTime.UtcNow;
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "failback and restore to complete");

        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);
        done.Restore.Percent.ShouldBe(100);
        var homeChecksums = (await FailoverSite.RecordingsAsync(back, AgentRoutes.OwnRecordings)).Select(r => r.Sha256).ToHashSet();
        onStandby.Where(r => !homeChecksums.Contains(r.Sha256)).ShouldBeEmpty("every failover recording is home with the same checksum");
        (await FailoverSite.RecordingsAsync(standby, key)).ShouldBeEmpty("the standby's failover footage is removed");
        Directory.Exists(Path.Combine(Site.DataOf("standby"), "space1", "failover", key)).ShouldBeFalse();
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Site.WaitStatusAsync(sb.Id, "normal_ready");

        // Camera time: own segments before the kill, the standby's segments (now restored home), own segments after.
        var segments = Site.OwnSegments("rec", "cam-1");
        var all = await CameraTimeline.ReadAsync(segments);
        var bound = (FailoverSite.ProbeSeconds * FailoverSite.Misses) + FailoverSite.SegmentSeconds + 1;
        all.LongestGap().ShouldBeLessThanOrEqualTo(bound, $"camera-time gap across takeover and failback (bound {bound} s)");
        var restored = await CameraTimeline.ReadAsync(segments.Where(IsRestored));
        var resumed = await CameraTimeline.ReadAsync(segments.Where(f => !IsRestored(f) && File.GetLastWriteTimeUtc(f) > backAt));
        var overlap = restored.Segments[^1].End - resumed.Segments[0].Start;
        output.WriteLine($"camera-time gap {all.LongestGap():0.00} s (bound {bound} s); failback overlap {overlap:0.00} s; {done.Restore.FilesTotal} files restored");
        overlap.ShouldBeGreaterThanOrEqualTo(0, "make before break: the original records before the standby stops");

        var events = await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}&limit=200");
        events.Events.Select(e => e.To).ShouldContain("active");
        events.Events.Select(e => e.To).ShouldContain("restoring");
        events.Events.Select(e => e.To).ShouldContain("completed");
    }

    private static bool IsRestored(string file) => Path.GetFileName(file).StartsWith("restored-", StringComparison.Ordinal);
}

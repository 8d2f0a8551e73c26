using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Xunit.Abstractions;

namespace Vigil.Cms.Tests.Drills;

/// <summary>
/// Failover drills on a real site (camera simulator, CMS, a recording agent and a standby recording with ffmpeg): a drill
/// passes with figures that agree with the segment files and brings the standby's footage home by checksum; drills that
/// would leave the group unprotected or run beside an open failover are refused; a drill a restart interrupts ends as
/// interrupted and its failover is failed back.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class DrillEndToEndTests(ITestOutputHelper output) : FailoverSiteTests(cameras: 2)
{
    private const int HoldSeconds = 5;

    [Fact]
    public async Task A_drill_fails_over_holds_fails_back_and_reports_figures_that_agree_with_the_segment_files()
    {
        var recording = await Site.StartAgentAsync("rec", 1, 2);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        var sb = await Site.AddAsync(standby, ServerRoleName.Standby);
        await ShortHoldAsync();
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "the recording server to record");

        var started = await Cms.PostAsync(CmsRoutes.Drills, new RunDrillRequest(rec.Id));
        await started.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        var drill = (await started.Content.ReadFromJsonAsync<DrillView>(ContractJson.Options))!;
        started.Headers.Location!.ToString().ShouldBe(CmsRoutes.Drill(drill.Id));
        drill.State.ShouldBe("running");
        var second = await Cms.PostAsync(CmsRoutes.Drills, new RunDrillRequest(rec.Id));
        await second.ShouldBeProblemAsync(HttpStatusCode.Conflict, "drill.already-running");

        // The standby's files of the drill, listed while it holds them (once home they are deleted from it).
        var key = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.Single(f => f.Id == drill.FailoverId).FootageKey;
        var onStandby = new Dictionary<long, Recording>();
        var done = await Eventually.GetAsync(async () =>
        {
            foreach (var file in await FailoverSite.RecordingsAsync(standby, key))
            {
                onStandby[file.Id] = file;
            }

            var now = await Cms.GetAsync<DrillView>(CmsRoutes.Drill(drill.Id));
            return now.State == "running" ? null : now;
        }, TimeSpan.FromSeconds(90), "the drill to end");

        output.WriteLine(JsonSerializer.Serialize(done, ContractJson.Options));
        done.State.ShouldBe("passed", string.Join("; ", done.Reasons));
        done.StandbyId.ShouldBe(sb.Id);
        done.TakeoverSeconds!.Value.ShouldBeInRange(0, 10);
        done.Thresholds.ShouldAllBe(t => t.Passed);
        done.Cameras.Select(c => c.Camera).ShouldBe(["cam-1", "cam-2"], ignoreOrder: true);
        done.RestoredFiles.ShouldBeGreaterThan(0);
        done.StandbyFilesSeen.ShouldBeGreaterThan(0);
        done.StandbyFilesHome.ShouldBe(done.StandbyFilesSeen);

        // Takeover: from the drill's start to the failover's transition to active in the event log (CMS clock).
        var events = (await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}&limit=200")).Events;
        var active = events.Single(e => e.Kind == "failover" && e.To == "active");
        ((active.At - done.StartedAt).TotalSeconds - done.TakeoverSeconds.Value).ShouldBeInRange(-0.1, 0.1);
        events.ShouldContain(e => e.Kind == "failover" && e.From == "normal" && e.Actor == "drill");
        var byDrill = events.Where(e => e.Actor == "drill").Select(e => e.To).ToList();
        byDrill.ShouldContain("drill holding");
        byDrill.ShouldContain("drill failing back");
        byDrill.ShouldContain("failback");
        byDrill.ShouldContain("failingback");
        byDrill.ShouldContain("drill passed");
        events.ShouldContain(e => e.To == "completed");

        // Gap: the standby's first segment of each camera, now home (restored, or the original's own byte-identical file), read with
        // ffprobe: camera time is the UTC time of day the simulator made the frame.
        foreach (var camera in done.Cameras)
        {
            var standbyFirst = onStandby.Values.Where(r => r.CameraId == camera.Camera && r.Kind == RecordingKind.Video).MinBy(r => r.Start)!;
            var reported = camera.StandbyFirstSegmentStart!.Value;
            reported.ShouldBe(standbyFirst.Start, "the report names the standby's first segment");
            var file = Site.OwnSegments("rec", camera.Camera).First(f => Sha256Of(f) == standbyFirst.Sha256);
            var first = (await CameraTimeline.ReadAsync([file])).Segments[0].Start;
            var reportedSeconds = (reported.UtcDateTime - reported.UtcDateTime.Date).TotalSeconds;
            output.WriteLine($"{camera.Camera}: gap {camera.GapSeconds:0.00} s; standby's first segment at camera time {first:0.00}, catalog {reportedSeconds:0.00}; own longest gap {camera.OwnLongestGapSeconds:0.00} s");
            (first - reportedSeconds).ShouldBeInRange(-1.0, 1.0, "the catalog and the segment file agree on where the standby's footage begins");
            camera.GapSeconds!.Value.ShouldBe((reported - done.StartedAt).TotalSeconds, 0.01);
            camera.GapSeconds.Value.ShouldBeInRange(-1, 10);
            camera.OwnLongestGapSeconds!.Value.ShouldBeLessThan(1, "the recording server kept recording through the drill");
            camera.OwnSegments.ShouldBeGreaterThan(HoldSeconds / FailoverSite.SegmentSeconds);
        }

        output.WriteLine($"takeover {done.TakeoverSeconds:0.00} s; worst gap {done.WorstGapSeconds:0.00} s; restored {done.RestoredFiles} files, {done.RestoredBytes} bytes");
        var home = (await FailoverSite.RecordingsAsync(recording, AgentRoutes.OwnRecordings)).Select(r => r.Sha256).ToHashSet();
        onStandby.Values.ShouldNotBeEmpty();
        onStandby.Values.Where(r => !home.Contains(r.Sha256)).ShouldBeEmpty("every file the standby recorded in the drill is home with the same checksum");
        (await FailoverSite.RecordingsAsync(standby, key)).ShouldBeEmpty();
        await Site.WaitStatusAsync(sb.Id, "normal_ready");

        var history = await Cms.GetAsync<DrillList>(CmsRoutes.Drills + $"?server={rec.Id}&limit=5");
        history.Drills.ShouldHaveSingleItem().Id.ShouldBe(drill.Id);

        // The admin client reads the same report.
        using var cli = new AdminCli();
        (await cli.RunAsync("login", "--cms", Cms.Process.BaseUrl.ToString(), "--password", CmsUnderTest.Password)).ShouldSucceed();
        (await cli.RunAsync("drill", "show", drill.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))).ShouldSucceed().ShouldContain("result:    passed");
        JsonSerializer.Deserialize<DrillList>((await cli.RunAsync("drill", "list", "--json")).ShouldSucceed(), ContractJson.Options)!.Drills.ShouldHaveSingleItem();
    }

    [Fact]
    public async Task A_drill_that_would_leave_a_server_unprotected_or_run_beside_an_open_failover_is_refused()
    {
        var first = await Site.AddAsync(await Site.StartAgentAsync("rec", 1), ServerRoleName.Recording);
        var other = await Site.AddAsync(await Site.StartAgentAsync("rec-2", 2), ServerRoleName.Recording);
        await Site.AddAsync(await Site.StartAgentAsync("standby"), ServerRoleName.Standby);
        await Site.WaitStatusAsync(first.Id, "normal_protected");

        var alone = await Cms.PostAsync(CmsRoutes.Drills, new RunDrillRequest(first.Id));
        (await alone.ShouldBeProblemAsync(HttpStatusCode.Conflict, "drill.would-leave-unprotected")).ShouldContain("needs 2 ready standbys, the group has 1");

        (await Cms.PostAsync(CmsRoutes.ServerFailover(other.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var beside = await Cms.PostAsync(CmsRoutes.Drills, new RunDrillRequest(first.Id));
        await beside.ShouldBeProblemAsync(HttpStatusCode.Conflict, "drill.failover-open");

        var viewer = await Cms.AddUserAsync("watcher", UserRoles.Viewer);
        (await viewer.PostAsJsonAsync(CmsRoutes.Drills.TrimStart('/'), new RunDrillRequest(first.Id), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Cms.GetAsync<DrillList>(CmsRoutes.Drills)).Drills.ShouldBeEmpty("a refused drill leaves nothing behind");
        (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem().RecordingServerId.ShouldBe(other.Id);
    }

    [Fact]
    public async Task A_drill_a_restart_interrupts_ends_as_interrupted_and_its_failover_is_failed_back()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(await Site.StartAgentAsync("standby"), ServerRoleName.Standby);
        (await Cms.PutAsync(CmsRoutes.DrillSettings, (await Cms.GetAsync<DrillSettingsView>(CmsRoutes.DrillSettings)) with { HoldSeconds = 600 }))
            .EnsureSuccessStatusCode();
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        var started = await Cms.PostAsync(CmsRoutes.Drills, new RunDrillRequest(rec.Id));
        var drill = (await started.Content.ReadFromJsonAsync<DrillView>(ContractJson.Options))!;
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<DrillView>(CmsRoutes.Drill(drill.Id))).Step == "holding", TimeSpan.FromSeconds(30),
            "the drill to hold");

        await Cms.RestartAsync();

        var ended = await Eventually.GetAsync(async () =>
        {
            var now = await Cms.GetAsync<DrillView>(CmsRoutes.Drill(drill.Id));
            return now.State == "running" ? null : now;
        }, TimeSpan.FromSeconds(15), "the restarted CMS to end the drill");
        ended.State.ShouldBe("interrupted");
        ended.Reasons.ShouldHaveSingleItem().ShouldContain("the CMS restarted during the drill");
        var failover = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "the interrupted drill's failover to be failed back and restored");
        failover.Restore.FilesCopied.ShouldBe(failover.Restore.FilesTotal);
        (await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}&limit=200")).Events
            .ShouldContain(e => e.To == "failback" && e.Actor == "drill");
    }

    private async Task ShortHoldAsync()
    {
        var settings = await Cms.GetAsync<DrillSettingsView>(CmsRoutes.DrillSettings);
        (settings.HoldSeconds, settings.MaxTakeoverSeconds, settings.MaxGapSeconds, settings.Schedule).ShouldBe((10, 10.0, 10.0, "off"), "the defaults");
        settings.ScheduledServers.ShouldBeEmpty();
        (await Cms.PutAsync(CmsRoutes.DrillSettings, settings with { HoldSeconds = HoldSeconds })).EnsureSuccessStatusCode();
        var refused = await Cms.PutAsync(CmsRoutes.DrillSettings, settings with { Schedule = "daily" });
        await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "settings.drill-schedule");
    }

    private static string Sha256Of(string file) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file)));
}

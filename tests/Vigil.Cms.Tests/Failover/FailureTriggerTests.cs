using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// What fails a live agent over, with real processes: a recording space that is gone, and a recorder that cannot
/// run ffmpeg, each while the agent answers every probe; and what does not: a camera that is dead while its
/// server records everything it can. Each failover is checked on the standby's disk, and the space failure is
/// failed back once the space returns.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class FailureTriggerTests() : FailoverSiteTests(cameras: 2)
{
    /// <summary>Probe rounds to wait, after a change the engine could act on, before saying it did not: the engine runs at least once a round.</summary>

    [Fact]
    public async Task A_lost_recording_space_and_a_recorder_that_cannot_run_fail_over_and_a_dead_camera_does_not()
    {
        var spaceLoser = await Site.StartAgentAsync("rec-1", 1);
        var noFfmpeg = await Site.StartAgentWithEnvironmentAsync("rec-2", new Dictionary<string, string> { ["VIGIL_FFMPEG"] = "/nonexistent/ffmpeg" }, 2);
        // Nothing listens on the discard port of loopback: the camera refuses every connection.
        var deadCamera = await Site.StartAgentWithCamerasAsync("rec-3", ("cam-dead", "http://127.0.0.1:9/cam"));
        var standby1 = await Site.StartAgentAsync("standby-1");
        var standby2 = await Site.StartAgentAsync("standby-2");
        var rec1 = await Site.AddAsync(spaceLoser, ServerRoleName.Recording);
        var rec3 = await Site.AddAsync(deadCamera, ServerRoleName.Recording);
        await Site.AddAsync(standby1, ServerRoleName.Standby);
        await Site.AddAsync(standby2, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec1.Id, "normal_protected");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec-1", "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "rec-1 to record");

        // A recorder that cannot run ffmpeg: the agent answers, says why, and is taken over.
        var rec2 = await Site.AddAsync(noFfmpeg, ServerRoleName.Recording);
        var serviceFailover = await Site.WaitFailoverAsync(rec2.Id, f => f.Phase == "active", "rec-2 to be taken over");
        (await EventsAsync(rec2.Id)).ShouldContain(e => e.To == "failed" && e.Reason.Contains("recording service failure", StringComparison.Ordinal));
        var serviceStandby = serviceFailover.StandbyName!;
        await Eventually.UntilAsync(() => Site.FailoverSegments(serviceStandby, serviceFailover.FootageKey, "cam-2").Count >= 1,
            TimeSpan.FromSeconds(30), "the standby to record rec-2's camera");

        // A recording space that is gone (a file where its mount was, so nothing can recreate it), while the agent process
        // runs on: failed over, and failed back once it returns.
        var space = Path.Combine(Site.DataOf("rec-1"), "space1");
        var moved = space + "-away";
        Directory.Move(space, moved);
        await File.WriteAllTextAsync(space, "not a recording space");
        var spaceFailover = await Site.WaitFailoverAsync(rec1.Id, f => f.Phase == "active", "rec-1 to be taken over");
        var rec1Events = await EventsAsync(rec1.Id);
        rec1Events.ShouldContain(e => e.To == "failed" && e.Reason.Contains("recording space failure", StringComparison.Ordinal), string.Join("\n", rec1Events.Select(e => $"{e.Kind} {e.From}->{e.To}: {e.Reason}")));
        spaceFailover.StandbyName.ShouldNotBe(serviceStandby);
        await Eventually.UntilAsync(() => Site.FailoverSegments(spaceFailover.StandbyName!, spaceFailover.FootageKey, "cam-1").Count >= 1,
            TimeSpan.FromSeconds(30), "the other standby to record rec-1's camera");

        // A dead camera is the camera's problem, not the server's: shown, never failed over.
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec3.Id))).CameraStates
            .Any(c => c.Id == "cam-dead" && c.State == "unreachable"), TimeSpan.FromSeconds(60), "the dead camera to be shown unreachable");
        await Site.WaitRoundsAsync(rec3.Id);
        var rec3Now = await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec3.Id));
        rec3Now.Health.State.ShouldBe("healthy");
        rec3Now.Status.Code.ShouldNotStartWith("abnormal");
        (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.Select(f => f.RecordingServerId).ShouldBe([rec1.Id, rec2.Id], ignoreOrder: true);

        // The space is back: rec-1 records again and its outage footage comes home.
        File.Delete(space);
        Directory.Move(moved, space);
        var home = await Site.WaitFailoverAsync(rec1.Id, f => f.Phase is "completed" or "failed" or "stopped", "rec-1's failback to end");
        home.Phase.ShouldBe("completed");
        home.Restore.FilesCopied.ShouldBe(home.Restore.FilesTotal);
        home.Restore.FilesTotal.ShouldBeGreaterThan(0);
        await Site.WaitStatusAsync(rec1.Id, "normal_protected");
    }

    private async Task<IReadOnlyList<EventView>> EventsAsync(int server) =>
        (await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={server}&limit=200")).Events;
}

using System.Net;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The operator's failover settings obeyed by the engine, with real agents: with automatic failover off a dead
/// server is declared failed but nobody takes it over; with automatic failback off a server that is back keeps
/// its standby until the operator fails back; with restore off, the failback removes the standby's outage footage
/// and none of it reaches the original.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class FailoverSettingsTests() : FailoverSiteTests(cameras: 1)
{
    /// <summary>Probe rounds to wait, after a change the engine could act on, before saying it did not: the engine runs at least once a round.</summary>

    [Fact]
    public async Task Automatic_failover_and_failback_off_wait_for_the_operator_and_restore_off_leaves_the_outage_footage_on_neither_server()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        var sb = await Site.AddAsync(standby, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        var settings = await Cms.GetAsync<SettingsView>(CmsRoutes.Settings);
        await Cms.ReauthenticateAsync();
        (await Cms.PutAsync(CmsRoutes.Settings, settings with { AutomaticFailover = false, AutomaticFailback = false, RestoreRecordings = false }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        // Automatic failover off: the dead server is failed and says why nobody takes it over, round after round.
        await recording.KillTreeAsync();
        await Site.WaitStatusAsync(rec.Id, "abnormal_unprotected");
        await Site.WaitRoundsAsync(rec.Id);
        (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldBeEmpty();
        (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).Status.Detail.ShouldEndWith("automatic failover is off; fail it over by hand");
        (await FailoverSite.TakeoversAsync(standby)).ShouldBeEmpty();

        // Turned on again, the engine takes the failed server over by itself.
        (await Cms.PutAsync(CmsRoutes.Settings, settings with { AutomaticFailback = false, RestoreRecordings = false })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var failover = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the automatic takeover once automatic failover is on");
        failover.Origin.ShouldBe("automatic");
        var key = failover.FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "the standby to record");

        // Automatic failback off: the original is back and stable, and the standby goes on recording for it.
        await Site.StartAgentAsync("rec");
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).Health.State == "healthy",
            TimeSpan.FromSeconds(30), "the original to answer probes again");
        await Site.WaitRoundsAsync(rec.Id, settings.StabilisationSeconds);
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("active", "automatic failback is off");
        (await FailoverSite.TakeoversAsync(standby)).ShouldNotBeEmpty();

        // Restore off: the operator's failback discards the standby's footage and copies none of it home.
        var onStandby = Site.FailoverFileHashes("standby", key);
        onStandby["cam-1"].ShouldNotBeEmpty();
        (await Cms.PostAsync(CmsRoutes.ServerFailback(rec.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the failback to end");
        done.Phase.ShouldBe("completed");
        done.Restore.FilesCopied.ShouldBe(0);
        await Eventually.UntilAsync(async () => (await FailoverSite.RecordingsAsync(standby, key)).Count == 0, TimeSpan.FromSeconds(30),
            "the standby's outage footage to be removed");
        Site.FailoverSegments("standby", key, "cam-1").ShouldBeEmpty("no outage file is left on the standby's disk");
        // Both recorded the camera once the original was back, so some files are the same bytes on both; the outage's are not.
        Site.UploadsNeeded("rec", onStandby).ShouldBeGreaterThan(0, "the standby held footage of the outage that only it recorded");
        Site.OwnSegments("rec", "cam-1").ShouldNotBeEmpty();
        Site.OwnSegments("rec", "cam-1").ShouldNotContain(f => Path.GetFileName(f).StartsWith("restored-", StringComparison.Ordinal),
            "none of the outage footage reached the original");
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
    }
}

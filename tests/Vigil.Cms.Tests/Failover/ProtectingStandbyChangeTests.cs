using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// Changing servers in the middle of a failover, with real agents. Editing or disabling the standby that records
/// for a server needs a confirmation, and then stops that failover: the standby stops recording, its footage of the
/// failover goes, and the recording server records its cameras again. Disabling the recording server itself
/// stops nothing: its standby goes on recording until it is enabled and failed back.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ProtectingStandbyChangeTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task Editing_or_disabling_a_protecting_standby_stops_its_failover_once_confirmed_and_disabling_the_recording_server_does_not()
    {
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        var sb = await Site.AddAsync(standby, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Cms.ReauthenticateAsync();

        // Editing the acting standby: refused without a confirmation, and with it the failover stops.
        var edited = await FailOverAsync(rec.Id, sb.Id);
        var unconfirmed = await Cms.Http.PatchAsJsonAsync(CmsRoutes.Server(sb.Id).TrimStart('/'), new EditServerRequest(Name: "standby-renamed"), ContractJson.Options);
        await unconfirmed.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.confirmation-required");
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("active", "a refused edit stops nothing");
        var editAt = DateTime.UtcNow;
        (await Cms.Http.PatchAsJsonAsync(CmsRoutes.Server(sb.Id).TrimStart('/') + "?confirm=true", new EditServerRequest(Name: "standby-renamed"), ContractJson.Options))
            .EnsureSuccessStatusCode();
        await ShouldBeStoppedAsync(rec.Id, edited, standby, editAt);
        (await Cms.GetAsync<ServerView>(CmsRoutes.Server(sb.Id))).Name.ShouldBe("standby-renamed");

        // Disabling the acting standby: the same.
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        var disabled = await FailOverAsync(rec.Id, sb.Id);
        await (await Cms.PutAsync(CmsRoutes.ServerEnabled(sb.Id), new EnabledRequest(false))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.confirmation-required");
        var disableAt = DateTime.UtcNow;
        (await Cms.PutAsync(CmsRoutes.ServerEnabled(sb.Id) + "?confirm=true", new EnabledRequest(false))).EnsureSuccessStatusCode();
        await ShouldBeStoppedAsync(rec.Id, disabled, standby, disableAt);
        (await Cms.PutAsync(CmsRoutes.ServerEnabled(sb.Id), new EnabledRequest(true))).EnsureSuccessStatusCode();

        // Disabling the recording server mid-failover keeps its failover going: the standby records on.
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        var kept = await FailOverAsync(rec.Id, sb.Id);
        (await Cms.PutAsync(CmsRoutes.ServerEnabled(rec.Id), new EnabledRequest(false))).EnsureSuccessStatusCode();
        var recorded = Site.FailoverSegments("standby", kept.FootageKey, "cam-1").Count;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", kept.FootageKey, "cam-1").Count >= recorded + 2,
            TimeSpan.FromSeconds(30), "the standby to go on recording the disabled server's camera");
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("active");
        (await FailoverSite.TakeoversAsync(standby)).ShouldNotBeEmpty();

        (await Cms.PutAsync(CmsRoutes.ServerEnabled(rec.Id), new EnabledRequest(true))).EnsureSuccessStatusCode();
        (await Cms.PostAsync(CmsRoutes.ServerFailback(rec.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase is "completed" or "failed" or "stopped", "the failback to end");
        done.Phase.ShouldBe("completed");
        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);
    }

    /// <summary>A manual failover of the live recording server, until the standby has recorded for it.</summary>
    private async Task<FailoverView> FailOverAsync(int recording, int standby)
    {
        (await Cms.PostAsync(CmsRoutes.ServerFailover(recording), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var failover = await Site.WaitFailoverAsync(recording, f => f.Phase == "active", "the manual failover");
        failover.StandbyId.ShouldBe(standby);
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", failover.FootageKey, "cam-1").Count >= 2,
            TimeSpan.FromSeconds(30), "the standby to record");
        return failover;
    }

    /// <summary>The failover ended as stopped, the standby records nothing and holds none of its footage, and the recording server records again.</summary>
    private async Task ShouldBeStoppedAsync(int recording, FailoverView failover, VigilProcess standby, DateTime changedAt)
    {
        var key = failover.FootageKey;
        await Site.WaitFailoverAsync(recording, f => f.Id == failover.Id && f.Phase == "stopped", "the failover to stop");
        await Eventually.UntilAsync(async () => (await FailoverSite.TakeoversAsync(standby)).Count == 0, TimeSpan.FromSeconds(30), "the standby to stop recording");
        await Eventually.UntilAsync(async () => (await FailoverSite.RecordingsAsync(standby, key)).Count == 0, TimeSpan.FromSeconds(30), "its footage to go");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "cam-1").Any(f => File.GetLastWriteTimeUtc(f) > changedAt.AddSeconds(FailoverSite.SegmentSeconds)),
            TimeSpan.FromSeconds(30), "the recording server to record its camera again");
    }
}

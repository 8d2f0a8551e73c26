using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// Operator actions and several failures at once, with real agents: two servers die with one standby, a
/// standby added later picks up the second; both ways of replacing a protected server; a manual failover
/// that waits for a manual failback; stopping a restoration; deleting a protecting standby; and the
/// refusals on the way.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class FailoverOperationsTests() : FailoverSiteTests(cameras: 3)
{
    [Fact]
    public async Task Two_failures_one_standby_then_replace_both_ways()
    {
        var agent1 = await Site.StartAgentAsync("rec-1", 1);
        var agent2 = await Site.StartLicensedAgentAsync("rec-2", 8, 2);
        var agent3 = await Site.StartAgentAsync("rec-3", 3);
        var standby1 = await Site.StartAgentAsync("standby-1");
        var rec1 = await Site.AddAsync(agent1, ServerRoleName.Recording);
        var rec2 = await Site.AddAsync(agent2, ServerRoleName.Recording);
        var rec3 = await Site.AddAsync(agent3, ServerRoleName.Recording);
        var sb1 = await Site.AddAsync(standby1, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec2.Id, "normal_protected");

        await (await Cms.PostAsync(CmsRoutes.ServerFailback(rec1.Id), new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "failover.not-in-failover");
        await (await Cms.PostAsync(CmsRoutes.ServerFailover(sb1.Id), new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "failover.not-a-recording-server");
        await (await Cms.PostAsync(CmsRoutes.ServerReplace(rec1.Id), new ReplaceRequest(rec3.Id))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "failover.not-in-failover");

        // Two servers die, one standby: the one first in the group's priority order is protected.
        await Task.WhenAll(agent1.KillTreeAsync(), agent2.KillTreeAsync());
        await Site.WaitStatusAsync(rec1.Id, "abnormal_protected");
        await Site.WaitStatusAsync(rec2.Id, "abnormal_unprotected");
        // The detail says the probe failure first and why nobody protects it once the engine has looked for a standby.
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec2.Id))).Status.Detail.Contains("no ready standby", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the status detail to say no ready standby is left");

        // A standby added later picks up the other.
        var standby2 = await Site.StartAgentAsync("standby-2");
        var sb2 = await Site.AddAsync(standby2, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec2.Id, "abnormal_protected");
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec2.Id))).StandbyId.ShouldBe(sb2.Id);
        var first = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec1.Id));
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-1", first.FootageKey, "cam-1").Count >= 2,
            TimeSpan.FromSeconds(30), "standby-1 to record rec-1's camera");

        // Replace with the acting standby: it becomes "rec-1", records cam-1 as its own, and keeps its failover footage as its own.
        var replaced = await Cms.PostAsync(CmsRoutes.ServerReplace(rec1.Id), new ReplaceRequest(sb1.Id));
        replaced.EnsureSuccessStatusCode();
        var newRec1 = await Cms.GetAsync<ServerView>(CmsRoutes.Server(sb1.Id));
        newRec1.Name.ShouldBe("rec-1");
        newRec1.Role.ShouldBe(ServerRoleName.Recording);
        (await Cms.Http.GetAsync(CmsRoutes.Server(rec1.Id).TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await Site.WaitFailoverAsync(sb1.Id, f => f.Phase == "completed", "the replacement's footage to become its own");
        (await FailoverSite.RecordingsAsync(standby1, AgentRoutes.OwnRecordings)).ShouldContain(r => r.FileName.StartsWith("restored-", StringComparison.Ordinal));
        (await FailoverSite.InfoAsync(standby1)).Cameras.Select(c => c.Id).ShouldBe(["cam-1"]);

        // Replace with another recording server in normal status: rec-3 takes rec-2's name, cameras and licenses.
        var second = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec2.Id));
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-2", second.FootageKey, "cam-2").Count >= 2,
            TimeSpan.FromSeconds(30), "standby-2 to record rec-2's camera");
        (await FailoverSite.InfoAsync(agent3)).LicenseChannels.ShouldBe(16);
        (await Cms.PostAsync(CmsRoutes.ServerReplace(rec2.Id), new ReplaceRequest(rec3.Id))).EnsureSuccessStatusCode();
        (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec3.Id))).Name.ShouldBe("rec-2");
        var handedOver = await Site.WaitFailoverAsync(rec3.Id, f => f.Phase == "completed", "rec-3 to record rec-2's camera and get its footage");
        handedOver.RecordingServerId.ShouldBe(rec3.Id);
        var replacement = await FailoverSite.InfoAsync(agent3);
        replacement.Cameras.Select(c => c.Id).ShouldBe(["cam-2"]);
        replacement.LicenseChannels.ShouldBe(8, "rec-2's licenses moved to rec-3");
        var homeOfRec3 = (await FailoverSite.RecordingsAsync(agent3, AgentRoutes.OwnRecordings)).Select(r => r.Sha256).ToHashSet(StringComparer.Ordinal);
        var outage = Site.OwnSegments("rec-3", "cam-2").Where(f => Path.GetFileName(f).StartsWith("restored-", StringComparison.Ordinal)).ToList();
        outage.Count.ShouldBeGreaterThanOrEqualTo(2, "rec-2's outage footage is on rec-3's disk");
        foreach (var file in outage)
        {
            await using var content = File.OpenRead(file);
            homeOfRec3.ShouldContain(Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(content)), $"{file} is catalogued as it is on disk");
        }

        await Site.WaitStatusAsync(sb2.Id, "normal_ready");
        (await FailoverSite.RecordingsAsync(standby2, handedOver.FootageKey)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_standby_that_cannot_take_over_is_marked_and_the_next_one_takes_over()
    {
        var agent = await Site.StartAgentAsync("rec-1", 1);
        var standby1 = await Site.StartAgentAsync("standby-1");
        var standby2 = await Site.StartAgentAsync("standby-2");
        await using var gate = await AgentGate.StartAsync(standby1.BaseUrl);
        var rec = await Site.AddAsync(agent, ServerRoleName.Recording);
        var sb1 = await Site.AddThroughAsync(gate, ServerRoleName.Standby);
        var sb2 = await Site.AddAsync(standby2, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");

        // standby-1, first in line, never answers the takeover it is sent (the gate holds it), so the takeover times out.
        gate.Hold(GatedCall.Takeover);
        await agent.KillTreeAsync();
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            var taken = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "active", "the next standby to take over");
            taken.StandbyId.ShouldBe(sb2.Id);
            (await Site.StatusOfAsync(sb1.Id)).ShouldBe("abnormal_protection_failed");
            (await Cms.GetAsync<ServerView>(CmsRoutes.Server(sb1.Id))).Status.Detail.ShouldContain("failed to take over rec-1");
        }
        finally
        {
            gate.Release();
        }

        // Released, standby-1 carries out the late takeover; it is told to release, so only standby-2 records.
        await Eventually.UntilAsync(async () => (await FailoverSite.TakeoversAsync(standby1)).Count == 0, TimeSpan.FromSeconds(30),
            "standby-1 to record nothing for rec-1");
        (await Cms.DeleteAsync(CmsRoutes.ServerProtectionFailure(sb1.Id))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Site.StatusOfAsync(sb1.Id)).ShouldNotBe("abnormal_protection_failed");

        await Site.StartAgentAsync("rec-1");
        await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "failback and restore");
        await Site.WaitStatusAsync(sb1.Id, "normal_ready");
        await Site.WaitStatusAsync(sb2.Id, "normal_ready");
    }

    [Fact]
    public async Task Manual_failover_and_failback_stop_restoration_and_stopping_by_standby_or_group_deletion()
    {
        (await Cms.PutAsync(CmsRoutes.Settings, (await Cms.GetAsync<SettingsView>(CmsRoutes.Settings)) with { RestoreBandwidthBytesPerSecond = 10_000 }))
            .EnsureSuccessStatusCode();
        var agent = await Site.StartAgentAsync("rec-1", 1);
        var standby = await Site.StartAgentAsync("standby-1");
        var siteB = (await (await Cms.PostAsync(CmsRoutes.Groups, new GroupRequest("Site B"))).Content.ReadFromJsonAsync<GroupView>(ContractJson.Options))!;
        var rec = await Cms.AddAsync(AgentsFixture.Add(agent, ServerRoleName.Recording, siteB.Id));
        var sb = await Cms.AddAsync(AgentsFixture.Add(standby, ServerRoleName.Standby, siteB.Id));
        await Site.WaitStatusAsync(rec.Id, "normal_protected");

        var started = await Cms.PostAsync(CmsRoutes.ServerFailover(rec.Id), new { });
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Site.WaitStatusAsync(rec.Id, "abnormal_protected");
        var failover = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
        failover.Origin.ShouldBe("manual");
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-1", failover.FootageKey, "cam-1").Count >= 3,
            TimeSpan.FromSeconds(30), "the standby to record");
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("active", "a manual failover waits for a manual failback");
        await (await Cms.PostAsync(CmsRoutes.ServerFailover(rec.Id), new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "failover.already-in-failover");

        (await Cms.PostAsync(CmsRoutes.ServerFailback(rec.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "restoring" && f.Restore.BytesCopied > 0, "the restore to begin");
        await (await Cms.DeleteAsync(CmsRoutes.ServerRestore(rec.Id))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "failover.confirmation-required");
        await Cms.ReauthenticateAsync();
        (await Cms.DeleteAsync(CmsRoutes.ServerRestore(rec.Id) + "?confirm=true")).EnsureSuccessStatusCode();
        var stopped = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "the stopped restoration to clean up");
        stopped.Restore.FilesCopied.ShouldBeLessThan(stopped.Restore.FilesTotal);
        (await FailoverSite.RecordingsAsync(standby, failover.FootageKey)).ShouldBeEmpty("what was left on the standby is removed");
        await Site.WaitStatusAsync(sb.Id, "normal_ready");

        // Deleting a protecting standby stops the failover and removes its footage, once confirmed.
        (await Cms.PostAsync(CmsRoutes.ServerFailover(rec.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Site.WaitStatusAsync(sb.Id, "normal_protecting");
        var second = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-1", second.FootageKey, "cam-1").Count >= 1,
            TimeSpan.FromSeconds(30), "the standby to record again");
        await (await Cms.DeleteAsync(CmsRoutes.Server(sb.Id))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.confirmation-required");
        await Cms.ReauthenticateAsync();
        (await Cms.DeleteAsync(CmsRoutes.Server(sb.Id) + "?confirm=true")).EnsureSuccessStatusCode();
        (await FailoverSite.RecordingsAsync(standby, second.FootageKey)).ShouldBeEmpty();
        await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "stopped", "the failover to stop with its standby gone");

        // Deleting a group mid-takeover interrupts it at once: its standby stops and its footage goes.
        var sbAgain = await Cms.AddAsync(AgentsFixture.Add(standby, ServerRoleName.Standby, siteB.Id));
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        (await Cms.PostAsync(CmsRoutes.ServerFailover(rec.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Site.WaitStatusAsync(sbAgain.Id, "normal_protecting");
        var third = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-1", third.FootageKey, "cam-1").Count >= 1,
            TimeSpan.FromSeconds(30), "the standby to record in the new group");
        await (await Cms.DeleteAsync(CmsRoutes.Group(siteB.Id))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "group.confirmation-required");
        await Cms.ReauthenticateAsync();
        (await Cms.DeleteAsync(CmsRoutes.Group(siteB.Id) + "?confirm=true")).EnsureSuccessStatusCode();
        await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "interrupted", "the takeover to be interrupted");
        (await FailoverSite.RecordingsAsync(standby, third.FootageKey)).ShouldBeEmpty();

        var events = await Cms.GetAsync<EventList>(CmsRoutes.Events + "?limit=500");
        events.Events.ShouldContain(e => e.Kind == "operator" && e.To == "failover now" && e.Actor == "admin");
        events.Events.ShouldContain(e => e.Kind == "operator" && e.To == "stop restoration");
    }
}

using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// Every action that stops a failover or discards its footage needs the first admin's re-authentication in the
/// session, on top of <c>?confirm=true</c>: without it each is refused with 403 and the failover, its footage on
/// the standby, the inventory and the settings stay exactly as they were.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ReauthenticationTests() : FailoverSiteTests(cameras: 1, settings => settings with { RestoreBandwidthBytesPerSecond = 10_000 })
{
    private const string Required = "auth.reauthentication-required";

    [Fact]
    public async Task Without_the_first_admins_reauthentication_nothing_that_discards_footage_happens()
    {
        var siteB = (await (await Cms.PostAsync(CmsRoutes.Groups, new GroupRequest("Site B"))).Content.ReadFromJsonAsync<GroupView>(ContractJson.Options))!;
        var agent = await Site.StartAgentAsync("rec-1", 1);
        var standby = await Site.StartAgentAsync("standby-1");
        var rec = await Cms.AddAsync(AgentsFixture.Add(agent, ServerRoleName.Recording, siteB.Id));
        var sb = await Cms.AddAsync(AgentsFixture.Add(standby, ServerRoleName.Standby, siteB.Id));
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        (await Cms.PostAsync(CmsRoutes.ServerFailover(rec.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted, "failing over discards nothing");
        await Site.WaitStatusAsync(sb.Id, "normal_protecting");
        var failover = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
        var footage = failover.FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby-1", footage, "cam-1").Count >= 2, TimeSpan.FromSeconds(30), "the standby to record");
        var recorded = (await FailoverSite.RecordingsAsync(standby, footage)).Count;
        var settings = await Cms.GetAsync<SettingsView>(CmsRoutes.Settings);
        var actions = await OperatorActionsAsync();

        await (await Cms.Http.PatchAsJsonAsync(CmsRoutes.Server(sb.Id).TrimStart('/') + "?confirm=true", new EditServerRequest(Name: "renamed"), ContractJson.Options))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, Required);
        await (await Cms.PutAsync(CmsRoutes.ServerEnabled(sb.Id) + "?confirm=true", new EnabledRequest(false))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, Required);
        await (await Cms.DeleteAsync(CmsRoutes.Server(sb.Id) + "?confirm=true")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, Required);
        await (await Cms.DeleteAsync(CmsRoutes.Server(rec.Id) + "?confirm=true")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, Required);
        await (await Cms.DeleteAsync(CmsRoutes.Group(siteB.Id) + "?confirm=true")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, Required);
        await (await Cms.PutAsync(CmsRoutes.Settings, settings with { RestoreRecordings = false })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, Required);

        var still = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
        (still.Id, still.Phase, still.StandbyName).ShouldBe((failover.Id, "active", sb.Name));
        var servers = await Cms.ServersAsync();
        servers.Select(s => (s.Id, s.Name, s.Enabled, s.GroupId)).OrderBy(s => s.Id).ShouldBe([(rec.Id, rec.Name, true, (int?)siteB.Id), (sb.Id, sb.Name, true, (int?)siteB.Id)]);
        (await Cms.GetAsync<SettingsView>(CmsRoutes.Settings)).RestoreRecordings.ShouldBeTrue();
        (await FailoverSite.RecordingsAsync(standby, footage)).Count.ShouldBeGreaterThanOrEqualTo(recorded, "the standby's footage is untouched");
        (await OperatorActionsAsync()).ShouldBe(actions, "a refused action leaves no trace");

        // Stopping the restoration discards what is not home yet: refused too, until the first admin confirms.
        (await Cms.PostAsync(CmsRoutes.ServerFailback(rec.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "restoring" && f.Restore.BytesCopied > 0, "the restore to begin");
        await (await Cms.DeleteAsync(CmsRoutes.ServerRestore(rec.Id))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "failover.confirmation-required");
        await (await Cms.DeleteAsync(CmsRoutes.ServerRestore(rec.Id) + "?confirm=true")).ShouldBeProblemAsync(HttpStatusCode.Forbidden, Required);
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("restoring");
        (await FailoverSite.RecordingsAsync(standby, footage)).ShouldNotBeEmpty();

        await Cms.ReauthenticateAsync();
        (await Cms.DeleteAsync(CmsRoutes.ServerRestore(rec.Id) + "?confirm=true")).EnsureSuccessStatusCode();
        await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "the stopped restoration to clean up");
        await (await Cms.PutAsync(CmsRoutes.Settings, settings with { RestoreRecordings = false })).ShouldHaveStatusAsync(HttpStatusCode.OK);
        (await Cms.GetAsync<SettingsView>(CmsRoutes.Settings)).RestoreRecordings.ShouldBeFalse();
    }

    private async Task<List<string>> OperatorActionsAsync() =>
        (await Cms.GetAsync<EventList>(CmsRoutes.Events + "?limit=500")).Events.Where(e => e.Kind == "operator").Select(e => $"{e.To} {e.ServerName}").ToList();
}

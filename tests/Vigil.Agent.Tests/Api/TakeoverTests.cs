using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Api;

/// <summary>A standby recording a protected server's cameras, fenced by epochs.</summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class TakeoverTests(CameraSimulatorFixture cameras)
{
    private TakeoverRequest Request(long epoch, params int[] cams) =>
        new(epoch, "rec-1", cams.Select(n => new CameraConfig($"cam{n}", $"Camera {n}", cameras.CameraUrl(n))).ToList());

    [Fact]
    public async Task A_takeover_records_the_protected_servers_cameras_into_an_empty_space_of_its_own()
    {
        await using var standby = await AgentUnderTest.StartAsync([], spaces: 2);

        var response = await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(5, 1, 2), ContractJson.Options);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var status = (await response.Content.ReadFromJsonAsync<TakeoverStatus>(ContractJson.Options))!;
        status.Epoch.ShouldBe(5);
        await standby.SegmentsAsync("cam1", 2, owner: "server-1");
        await standby.SegmentsAsync("cam2", 2, owner: "server-1");
        var space = status.SpacePath == standby.Space(1) ? 1 : 2;
        standby.SegmentFiles("cam1", space, owner: "server-1").ShouldNotBeEmpty();
        var info = (await standby.GetAsync<AgentInfo>(AgentRoutes.Info))!;
        info.Cameras.ShouldBeEmpty("failover cameras are not the server's own");
        info.Spaces.Single(s => s.Path == status.SpacePath).IsEmpty.ShouldBeFalse();
        info.Spaces.Single(s => s.Path != status.SpacePath).IsEmpty.ShouldBeTrue();
    }

    [Fact]
    public async Task Commands_with_an_older_epoch_are_refused_and_change_nothing()
    {
        await using var standby = await AgentUnderTest.StartAsync([], spaces: 2);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(7, 1), ContractJson.Options)).EnsureSuccessStatusCode();

        var stale = await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-2").TrimStart('/'), Request(6, 2), ContractJson.Options);
        var staleRelease = await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-1").TrimStart('/') + "?epoch=6");

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("takeover.stale-epoch");
        staleRelease.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var noEpoch = await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-1").TrimStart('/'));
        noEpoch.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await noEpoch.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("takeover.epoch-required");
        var takeovers = (await standby.GetAsync<List<TakeoverStatus>>(AgentRoutes.Takeovers))!;
        takeovers.Single().Server.ShouldBe("server-1");
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(7, 1), ContractJson.Options))
            .StatusCode.ShouldBe(HttpStatusCode.OK, "the same epoch again is a harmless repeat");
    }

    [Fact]
    public async Task A_standby_without_an_empty_space_refuses_a_takeover()
    {
        await using var standby = await AgentUnderTest.StartAsync([], spaces: 1);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(1, 1), ContractJson.Options)).EnsureSuccessStatusCode();

        var second = await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-2").TrimStart('/'), Request(2, 2), ContractJson.Options);

        second.StatusCode.ShouldBe(HttpStatusCode.InsufficientStorage);
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("takeover.no-empty-space");
        (await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-2").TrimStart('/') + "?epoch=2")).StatusCode
            .ShouldBe(HttpStatusCode.NoContent, "the CMS may release the refused takeover later: nothing is left to release");
    }

    [Fact]
    public async Task Release_stops_recording_keeps_the_footage_and_deleting_it_empties_the_space_again()
    {
        await using var standby = await AgentUnderTest.StartAsync([], spaces: 1);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(3, 4), ContractJson.Options)).EnsureSuccessStatusCode();
        await standby.SegmentsAsync("cam4", 2, owner: "server-1");

        var early = await standby.Http.DeleteAsync(AgentRoutes.TakeoverRecordings("server-1").TrimStart('/') + "?epoch=3");
        early.StatusCode.ShouldBe(HttpStatusCode.Conflict, "footage is deleted only after the takeover is released");
        (await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-1").TrimStart('/') + "?epoch=3")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await Eventually.UntilAsync(async () => (await standby.HealthAsync()).Cameras.Count == 0, TimeSpan.FromSeconds(20), "recording to stop");
        var kept = await standby.RecordingsAsync(owner: "server-1");
        kept.ShouldNotBeEmpty();
        (await standby.GetAsync<AgentInfo>(AgentRoutes.Info))!.Spaces.Single().IsEmpty.ShouldBeFalse();

        var deleted = await standby.Http.DeleteAsync(AgentRoutes.TakeoverRecordings("server-1").TrimStart('/') + "?epoch=3");

        deleted.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await standby.RecordingsAsync(owner: "server-1")).ShouldBeEmpty();
        standby.SegmentFiles("cam4", owner: "server-1").ShouldBeEmpty();
        (await standby.GetAsync<AgentInfo>(AgentRoutes.Info))!.Spaces.Single().IsEmpty.ShouldBeTrue();
        var audit = (await standby.GetAsync<AuditList>(AgentRoutes.Audit))!.Entries;
        audit.Select(e => e.Action).ShouldBe(["takeover.discard", "takeover.release"]);
        audit[0].Detail.ShouldContain($"all {kept.Count} recordings of takeover 'server-1'");
    }

    [Fact]
    public async Task Over_https_the_agent_presents_a_kept_self_signed_certificate_and_reports_its_fingerprint()
    {
        await using var agent = await AgentUnderTest.StartAsync([], scheme: "https");
        var printed = agent.Process.Find("TLS certificate SHA-256 fingerprint: (\\S+)");

        var info = (await agent.GetAsync<AgentInfo>(AgentRoutes.Info))!;

        agent.Process.BaseUrl.Scheme.ShouldBe("https");
        printed.ShouldNotBeNull();
        info.CertificateFingerprint.ShouldBe(printed);
        info.CertificateFingerprint!.Split(':').Length.ShouldBe(32);
        await agent.Process.DisposeAsync();
        await agent.StartAsync();
        (await agent.GetAsync<AgentInfo>(AgentRoutes.Info))!.CertificateFingerprint.ShouldBe(printed, "the certificate is kept across restarts");
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>After a credential or the password was misused: what was done, by whom, from where.</summary>
public sealed class AuditTests
{
    [Fact]
    public async Task Destructive_calls_are_listed_newest_first_with_the_caller_and_masked_urls()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var camera = new CameraConfig("door", "Door", "rtsp://viewer:door-secret@127.0.0.1:9/s", Recording: false);
        (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), camera, ContractJson.Options)).EnsureSuccessStatusCode();
        (await agent.Http.PutAsJsonAsync(AgentRoutes.Camera("door").TrimStart('/'), camera with { RetentionHours = 1 }, ContractJson.Options))
            .EnsureSuccessStatusCode();
        using var cms = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        var paired = await cms.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "site-cms"), ContractJson.Options);
        cms.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", (await paired.Content.ReadFromJsonAsync<PairingResponse>(ContractJson.Options))!.Credential);
        (await cms.DeleteAsync(AgentRoutes.Camera("door").TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var all = (await agent.GetAsync<AuditList>(AgentRoutes.Audit))!.Entries;
        var newest = (await agent.GetAsync<AuditList>(AgentRoutes.Audit + "?limit=2"))!.Entries;

        all.Select(e => e.Action).ShouldBe(["camera.delete", "credential.issue", "camera.edit", "camera.add"]);
        all[0].Who.ShouldBe("cms:site-cms from 127.0.0.1");
        all[2].Who.ShouldBe("admin from 127.0.0.1");
        all[2].Detail.ShouldContain("retention 1 h");
        all[2].Detail.ShouldContain("retention 0 h", customMessage: "the edit says what was there before");
        all.ShouldAllBe(e => !e.Detail.Contains("door-secret"));
        all[3].Detail.ShouldContain("rtsp://viewer:***@127.0.0.1:9/s");
        all.Select(e => e.At).ShouldBeInOrder(SortDirection.Descending);
        newest.Select(e => e.Action).ShouldBe(["camera.delete", "credential.issue"]);
    }

    [Fact]
    public async Task The_audit_trail_needs_a_credential_and_a_sane_limit()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        using var anonymous = new HttpClient { BaseAddress = agent.Process.BaseUrl };

        (await anonymous.GetAsync(AgentRoutes.Audit.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var zero = await agent.Http.GetAsync(AgentRoutes.Audit.TrimStart('/') + "?limit=0");
        zero.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await zero.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("audit.invalid-limit");
        (await agent.Http.GetAsync(AgentRoutes.Audit.TrimStart('/') + "?limit=1000000")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}

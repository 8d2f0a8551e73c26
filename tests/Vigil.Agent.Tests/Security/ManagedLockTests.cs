using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Security;

/// <summary>A paired agent takes configuration from its CMS only: the admin password cannot change what the CMS manages.</summary>
public sealed class ManagedLockTests
{
    [Fact]
    public async Task While_paired_the_admin_password_cannot_change_cameras_or_licenses_but_the_cms_credential_can()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var door = new CameraConfig("door", "Door", "rtsp://127.0.0.1:9/door", Recording: false);
        (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), door, ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Created,
            "standalone, the admin password configures the agent");

        using var cms = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        var paired = await cms.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "site-cms", "cms-4711"), ContractJson.Options);
        cms.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", (await paired.Content.ReadFromJsonAsync<PairingResponse>(ContractJson.Options))!.Credential);

        var yard = new CameraConfig("yard", "Yard", "rtsp://127.0.0.1:9/yard", Recording: false);
        await ShouldBeLockedAsync(await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), yard, ContractJson.Options));
        await ShouldBeLockedAsync(await agent.Http.PutAsJsonAsync(AgentRoutes.Camera("door").TrimStart('/'), door with { Name = "Gate" }, ContractJson.Options));
        await ShouldBeLockedAsync(await agent.Http.DeleteAsync(AgentRoutes.Camera("door").TrimStart('/')));
        await ShouldBeLockedAsync(await agent.Http.PutAsJsonAsync(AgentRoutes.License.TrimStart('/'), new LicenseRequest(64), ContractJson.Options));
        await ShouldBeLockedAsync(await agent.Http.DeleteAsync(AgentRoutes.Takeover("rec-9").TrimStart('/') + "?epoch=1"));
        (await agent.GetAsync<List<CameraConfig>>(AgentRoutes.Cameras))!.Select(c => c.Name).ShouldBe(["Door"], "reading stays open, and nothing changed");

        (await cms.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), yard, ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await cms.DeleteAsync(AgentRoutes.Camera("door").TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await cms.DeleteAsync(AgentRoutes.Pairing.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await agent.Http.DeleteAsync(AgentRoutes.Camera("yard").TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NoContent,
            "once no CMS manages it, the admin password configures it again");
    }

    private static async Task ShouldBeLockedAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("rule").GetString().ShouldBe("agent.managed-by-cms");
        problem.RootElement.GetProperty("detail").GetString()!.ShouldContain("managed by the CMS 'site-cms' (id cms-4711)");
    }
}

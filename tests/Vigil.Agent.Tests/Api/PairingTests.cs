using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>A credential that leaked, a CMS that forgot the server, a password that must change.</summary>
public sealed class PairingTests
{
    [Fact]
    public async Task Pairing_again_from_the_same_cms_id_ends_its_earlier_credential_but_not_other_cmses()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);

        var first = await PairAsync(agent, "cms-a-install");
        var other = await PairAsync(agent, "cms-b-install");
        var second = await PairAsync(agent, "cms-a-install");

        (await InfoStatusAsync(agent, first)).ShouldBe(HttpStatusCode.Unauthorized);
        (await InfoStatusAsync(agent, second)).ShouldBe(HttpStatusCode.OK);
        (await InfoStatusAsync(agent, other)).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_cms_revokes_its_own_credential_which_then_no_longer_works()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var credential = await PairAsync(agent, "cms-a-install");
        var kept = await PairAsync(agent, "cms-b-install");
        using var cms = Client(agent, credential);

        (await cms.DeleteAsync(AgentRoutes.Pairing.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await cms.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await cms.DeleteAsync(AgentRoutes.Pairing.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await InfoStatusAsync(agent, kept)).ShouldBe(HttpStatusCode.OK, "only the caller's credential ends");
        var withPassword = await agent.Http.DeleteAsync(AgentRoutes.Pairing.TrimStart('/'));
        withPassword.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Rule(withPassword)).ShouldBe("pairing.credential-required");
    }

    [Fact]
    public async Task Only_the_current_admin_password_changes_it_and_the_change_ends_every_credential()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var credential = await PairAsync(agent, "cms-a-install");
        using var cms = Client(agent, credential);
        var path = AgentRoutes.AdminPassword.TrimStart('/');

        var byCms = await cms.PutAsJsonAsync(path, new AdminPasswordChange("cms-chosen-password"), ContractJson.Options);
        byCms.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Rule(byCms)).ShouldBe("admin-password.admin-required");
        var tooShort = await agent.Http.PutAsJsonAsync(path, new AdminPasswordChange("short"), ContractJson.Options);
        tooShort.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Rule(tooShort)).ShouldBe("admin-password.invalid");
        (await agent.Http.PutAsJsonAsync(path, new AdminPasswordChange(new string('x', 1025)), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var guesser = Basic(agent, "wrong-password");
        (await guesser.PutAsJsonAsync(path, new AdminPasswordChange("guessers-password"), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await InfoStatusAsync(agent, credential)).ShouldBe(HttpStatusCode.OK, "refused changes change nothing");

        (await agent.Http.PutAsJsonAsync(path, new AdminPasswordChange("the-new-admin-password"), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await cms.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "every CMS must pair again");
        (await agent.Http.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "the old password is over");
        using var admin = Basic(agent, "the-new-admin-password");
        var audit = (await admin.GetFromJsonAsync<AuditList>(AgentRoutes.Audit.TrimStart('/'), ContractJson.Options))!;
        audit.Entries[0].Action.ShouldBe("admin-password.change");
        audit.Entries[0].Who.ShouldBe("admin from 127.0.0.1");
        audit.Entries[0].Detail.ShouldNotContain("the-new-admin-password");
    }

    private static async Task<string> PairAsync(AgentUnderTest agent, string cmsId)
    {
        using var anonymous = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        var response = await anonymous.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "cms", cmsId),
            ContractJson.Options);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<PairingResponse>(ContractJson.Options))!.Credential;
    }

    private static async Task<HttpStatusCode> InfoStatusAsync(AgentUnderTest agent, string credential)
    {
        using var cms = Client(agent, credential);
        using var response = await cms.GetAsync(AgentRoutes.Info.TrimStart('/'));
        return response.StatusCode;
    }

    private static HttpClient Client(AgentUnderTest agent, string credential)
    {
        var client = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return client;
    }

    private static HttpClient Basic(AgentUnderTest agent, string password)
    {
        var client = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}")));
        return client;
    }

    private static async Task<string?> Rule(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString();
}

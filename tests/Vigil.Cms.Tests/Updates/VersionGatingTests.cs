using System.Net;
using System.Net.Http.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Vigil.Testing.Updates;

namespace Vigil.Cms.Tests.Updates;

/// <summary>
/// The version rule on a real CMS of the tests' version (0.1.0) and a real agent of a newer patch (0.1.1, a build of its own):
/// test connection says it is incompatible, and adding it is refused in either role with the rule that says to update the CMS;
/// an agent of the CMS's own version is compatible.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class VersionGatingTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task A_newer_agent_is_incompatible_and_cannot_be_added_and_one_of_the_cms_version_is_compatible()
    {
        var program = await UpdateBuilds.ProgramAsync(UpdateSite.NewVersion);
        var data = Path.Combine(Site.Root, "newer");
        await using var newer = await VigilProcess.StartProgramAsync(Path.Combine(program, "vigil"),
            ["agent", "--data", data, "--urls", "http://127.0.0.1:0", "--name", "newer"],
            new Dictionary<string, string?> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password });
        try
        {
            var tested = await TestAsync(newer, ServerRoleName.Recording);
            tested.AgentVersion.ShouldBe(UpdateSite.NewVersion);
            tested.Compatibility.ShouldBe("incompatible");
            tested.Refusals.ShouldContain(r => r.Rule == "agent.incompatible" && r.Message.Contains("update the CMS"));

            await (await Cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(newer, ServerRoleName.Recording)))
                .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "agent.incompatible");
            (await TestAsync(newer, ServerRoleName.Standby)).Refusals.ShouldContain(r => r.Rule == "agent.incompatible");

            var same = await Site.StartAgentAsync("same");
            var compatible = await TestAsync(same, ServerRoleName.Recording);
            compatible.Compatibility.ShouldBe("compatible");
            compatible.Refusals.ShouldBeEmpty();
            (await Site.AddAsync(same, ServerRoleName.Recording)).Compatibility.ShouldBe("compatible");
        }
        finally
        {
            ProcessSweep.KillEverythingMentioning(data);
        }
    }

    private async Task<TestConnectionResponse> TestAsync(VigilProcess agent, ServerRoleName role)
    {
        var response = await Cms.PostAsync(CmsRoutes.ServerTest, new TestConnectionRequest(
            agent.BaseUrl.Host, agent.BaseUrl.Port, Https: false, AgentsFixture.Password, role, GroupId: 1));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TestConnectionResponse>(ContractJson.Options))!;
    }
}

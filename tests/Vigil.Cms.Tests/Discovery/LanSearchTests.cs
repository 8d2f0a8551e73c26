using System.Text.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Discovery;

/// <summary>
/// The search for servers on a real LAN made of network namespaces: a CMS in one, agents in others, all real
/// <c>vigil</c> processes; the admin client runs beside the CMS. Search, enable (the usual add with the found address
/// and fingerprint), the lock on a managed agent, and the clock offset the probes measure.
/// </summary>
public sealed class LanSearchTests
{
    [Fact]
    public async Task A_search_finds_standalone_and_managed_agents_but_not_a_silent_one_and_enable_pairs_a_found_one()
    {
        await using var site = await LanSite.StartAsync(agents: 3);
        var free = await site.StartAgentAsync(1, "lan-free");
        await site.StartAgentAsync(2, "lan-quiet", "--no-announce");
        await site.StartAgentAsync(3, "lan-taken");
        var (paired, _) = await site.CurlAsync("-X", "POST", "-H", "Content-Type: application/json",
            "-d", $$"""{"password":"{{LanSite.AgentPassword}}","cmsName":"other-cms","cmsId":"other-cms-id"}""",
            $"https://{site.Lan.Address(LanSite.AgentHost(3))}:7101/api/v1/pairing");
        paired.ShouldBe(200);

        using var cli = new AdminCli([.. site.Lan.Inside(LanSite.CmsHost)]);
        (await cli.RunAsync("login", "--cms", LanSite.CmsUrl.ToString(), "--user", "admin", "--password", LanSite.CmsPassword)).ShouldSucceed();

        var found = await SearchAsync(cli);
        found.Servers.Select(s => s.Name).ShouldBe(["lan-free", "lan-taken"], "lan-quiet was started with --no-announce");
        var freeView = found.Servers[0];
        freeView.ShouldSatisfyAllConditions(
            () => freeView.Address.ShouldBe(site.Lan.Address(LanSite.AgentHost(1))),
            () => freeView.Port.ShouldBe(7101),
            () => freeView.Https.ShouldBeTrue(),
            () => freeView.CertificateFingerprint.ShouldBe(LanSite.FingerprintOf(free)),
            () => freeView.Compatibility.ShouldBe("compatible"),
            () => freeView.State.ShouldBe("available"),
            () => freeView.StateLabel.ShouldBe("available"),
            () => freeView.CanEnable.ShouldBeTrue(),
            () => freeView.ManagedBy.ShouldBeNull());
        var taken = found.Servers[1];
        taken.StateLabel.ShouldBe("added to another CMS");
        taken.CanEnable.ShouldBeFalse();
        taken.ManagedBy.ShouldBe(new FoundCms("other-cms", "other-cms-id", false));

        var table = (await cli.RunAsync("server", "search")).ShouldSucceed();
        table.ShouldContain("added to another CMS");
        table.ShouldContain($"--host {freeView.Address} --port 7101 --fingerprint {freeView.CertificateFingerprint}");

        // Enable: the usual add, with the found address and the fingerprint the operator compared with the one the agent printed.
        (await cli.RunAsync("server", "add", "--group", "1", "--role", "recording", "--host", freeView.Address, "--port", "7101",
            "--password", LanSite.AgentPassword, "--fingerprint", freeView.CertificateFingerprint!)).ShouldSucceed().ShouldContain("Added recording server");
        var after = (await SearchAsync(cli)).Servers.Single(s => s.Name == "lan-free");
        after.State.ShouldBe("already_added");
        after.ServerId.ShouldNotBeNull();
        after.ManagedBy!.IsThisCms.ShouldBeTrue();

        // Managed now: its admin password no longer changes its cameras, and the refusal names this CMS.
        var (locked, problem) = await site.CurlAsync("-u", $"admin:{LanSite.AgentPassword}", "-X", "POST", "-H", "Content-Type: application/json",
            "-d", """{"id":"yard","name":"Yard","streamUrl":"rtsp://10.77.0.99:554/yard"}""", $"https://{after.Address}:7101/api/v1/cameras");
        locked.ShouldBe(409);
        problem.ShouldContain("agent.managed-by-cms");
        problem.ShouldContain($"managed by the CMS '{after.ManagedBy.Name}' (id {after.ManagedBy.Id})");

        // Its clock, as the probes measure it: this machine's one clock, so in step.
        var view = await Eventually.GetAsync(async () =>
        {
            var shown = JsonSerializer.Deserialize<ServerView>((await cli.RunAsync("server", "show", "lan-free", "--json")).ShouldSucceed(), ContractJson.Options)!;
            return shown.Clock is null ? null : shown;
        }, TimeSpan.FromSeconds(30), "the CMS to measure lan-free's clock");
        Math.Abs(view.Clock!.OffsetSeconds).ShouldBeLessThan(1);
        view.Clock.Drifting.ShouldBeFalse();
        view.Clock.LimitSeconds.ShouldBe(2);
        (await cli.RunAsync("server", "show", "lan-free")).ShouldSucceed().ShouldMatch(@"clock:\s+[+-]\d\.\d{3} s from the CMS's");
    }

    private static async Task<ServerSearchResponse> SearchAsync(AdminCli cli) =>
        JsonSerializer.Deserialize<ServerSearchResponse>((await cli.RunAsync("server", "search", "--json")).ShouldSucceed(), ContractJson.Options)!;
}

using System.Net;
using Microsoft.Playwright;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// Two CMS hosts on real PostgreSQL behind one address (a proxy that sends requests to the host whose leader check
/// answers, as a site's load balancer does), and the console in real Chromium: its header names the leader, and when
/// the leader is SIGKILLed the page follows the new one without a reload. Without a balancer, the console opened on a
/// standby host's own address works the same, the standby passing its calls and live stream on to the leader.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleLeaderTests
{
    [Fact]
    public async Task The_console_behind_one_address_names_the_leader_and_follows_a_change_of_leader_without_a_reload()
    {
        SetDefaultExpectTimeout(15_000);
        await using var database = await TestDatabase.PostgresAsync();
        await using var first = await CmsUnderTest.StartAsync(database);
        await using var second = await CmsUnderTest.StartAsync(database);
        await using var balancer = await LeaderBalancer.StartAsync(() => [first.Process.BaseUrl, second.Process.BaseUrl]);
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();

        await ConsoleBrowser.SignInAsync(page, balancer.BaseUrl, CmsUnderTest.Password);
        await Expect(page.Locator("#leader")).ToHaveTextAsync("Leader: cms-under-test · gen. 1");
        await Expect(page.Locator("#live")).ToHaveTextAsync("Live");

        // A mark on the page's window survives only as long as the page is not reloaded.
        await page.EvaluateAsync("window.vigilTestMark = 'same page'");
        await first.Process.KillAsync();
        await Expect(page.Locator("#leader")).ToHaveTextAsync("Leader: cms-under-test · gen. 2", new() { Timeout = 30_000 });
        await Expect(page.Locator("#live")).ToHaveTextAsync("Live");
        (await page.EvaluateAsync<string>("window.vigilTestMark")).ShouldBe("same page");
        var hosts = await second.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        hosts.Leader!.HostId.ShouldBe(hosts.ThisHost);
        await ConsoleBrowser.SaveScreenshotAsync(page, "console-new-leader");
    }

    [Fact]
    public async Task The_console_opened_on_a_standby_hosts_own_address_shows_the_leaders_live_state_and_its_changes()
    {
        SetDefaultExpectTimeout(15_000);
        await using var database = await TestDatabase.PostgresAsync();
        await using var first = await CmsUnderTest.StartAsync(database);
        await using var second = await CmsUnderTest.StartAsync(database);
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();

        // The second host stands by: it signs the user in itself and passes the rest, the live stream included, to the leader.
        await ConsoleBrowser.SignInAsync(page, second.Process.BaseUrl, CmsUnderTest.Password);
        await Expect(page.Locator("#leader")).ToHaveTextAsync("Leader: cms-under-test · gen. 1");
        await Expect(page.Locator("#live")).ToHaveTextAsync("Live");
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Failover Group 1" })).ToBeVisibleAsync();

        (await first.PostAsync(CmsRoutes.Groups, new GroupRequest("Added on the leader"))).StatusCode.ShouldBe(HttpStatusCode.Created);
        await Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Added on the leader" })).ToBeVisibleAsync();
        var hosts = await second.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        hosts.Leader!.HostId.ShouldNotBe(hosts.ThisHost, "the page came from the standby host");
    }
}

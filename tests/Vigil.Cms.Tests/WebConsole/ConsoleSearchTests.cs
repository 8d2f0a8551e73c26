using Microsoft.Playwright;
using Vigil.Cms.Tests.Discovery;
using Vigil.Cms.Tests.Support;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// The Add server dialog's magnifier in real headless Chromium, run beside a CMS on a LAN of network namespaces: the
/// found agent is listed as available, Enable fills the form and shows its certificate, and adding it pairs it.
/// </summary>
public sealed class ConsoleSearchTests
{
    [Fact]
    public async Task The_magnifier_lists_a_found_server_and_enable_adds_it_after_its_certificate_is_confirmed()
    {
        await using var site = await LanSite.StartAsync(agents: 1);
        var agent = await site.StartAgentAsync(1, "lan-console");
        var fingerprint = LanSite.FingerprintOf(agent);
        await using var browser = await ConsoleBrowser.LaunchAsync(site.Lan.Host(LanSite.CmsHost));
        var page = await browser.NewPageAsync();
        try
        {
            await ConsoleBrowser.SignInAsync(page, LanSite.CmsUrl, LanSite.CmsPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add ▾" }).ClickAsync();
            await page.GetByRole(AriaRole.Menuitem, new() { Name = "Add server" }).ClickAsync();
            var dialog = page.Locator("dialog");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Search the LAN for servers" }).ClickAsync();

            var found = dialog.Locator("table.found-servers tbody tr");
            await Assertions.Expect(found).ToHaveCountAsync(1);
            await Assertions.Expect(found.Locator(".found-state")).ToHaveTextAsync("available");
            await Assertions.Expect(found).ToContainTextAsync($"https://{site.Lan.Address(LanSite.AgentHost(1))}:7101");
            await ConsoleBrowser.SaveScreenshotAsync(page, "console-search-found");
            await found.GetByRole(AriaRole.Button, new() { Name = "Enable lan-console" }).ClickAsync();

            await Assertions.Expect(dialog.GetByLabel("IP address or host name")).ToHaveValueAsync(site.Lan.Address(LanSite.AgentHost(1)));
            await Assertions.Expect(dialog.GetByLabel("Port")).ToHaveValueAsync("7101");
            await Assertions.Expect(dialog.GetByLabel("Connect over HTTPS")).ToBeCheckedAsync();
            await Assertions.Expect(dialog.Locator(".trust .fingerprint")).ToHaveTextAsync(fingerprint);
            await Assertions.Expect(dialog.GetByLabel("Admin password of the server")).ToBeFocusedAsync();
            await dialog.GetByLabel("Admin password of the server").FillAsync(LanSite.AgentPassword);

            await dialog.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await Assertions.Expect(dialog.Locator(".form-error")).ToContainTextAsync("server.fingerprint-unconfirmed",
                new() { Timeout = 15_000 });
            await dialog.GetByLabel("It is the same: trust this certificate").CheckAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await Assertions.Expect(page.Locator("table.servers tr", new() { HasText = "lan-console" })).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, "console-search-enable");
        }
    }
}

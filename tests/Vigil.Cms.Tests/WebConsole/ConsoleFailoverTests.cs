using Microsoft.Playwright;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// The console follows a real failover without a reload: a SIGKILLed recording agent turns "Abnormal,
/// protected" on screen, its return shows the restore's progress bar and per camera what is home, then everything is normal again;
/// the event log page lists the failover. Restore bandwidth is limited so the progress stays on screen
/// long enough to be seen.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleFailoverTests() : FailoverSiteTests(cameras: 2, settings => settings with { RestoreBandwidthBytesPerSecond = 150_000 })
{
    [Fact]
    public async Task A_killed_recording_server_is_shown_protected_restoring_and_normal_again_without_a_reload()
    {
        SetDefaultExpectTimeout(15_000);
        var recording = await Site.StartAgentAsync("rec", 1, 2);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(standby, ServerRoleName.Standby);
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await ConsoleBrowser.SignInAsync(page, Cms.Process.BaseUrl, CmsUnderTest.Password);
            await Expect(StatusOf(page, "rec")).ToHaveTextAsync("Normal, protected");
            await Expect(StatusOf(page, "standby")).ToHaveTextAsync("Normal, protection ready");

            // A mark on the page's window survives only as long as the page is not reloaded.
            await page.EvaluateAsync("window.vigilTestMark = 'same page'");
            await recording.KillTreeAsync();
            await Expect(StatusOf(page, "rec")).ToHaveTextAsync("Abnormal, protected", new() { Timeout = 30_000 });
            await Expect(StatusOf(page, "standby")).ToHaveTextAsync("Normal, protecting");
            await Expect(page.Locator(".status-panel button[data-role=recording][data-status=abnormal_protected] .count")).ToHaveTextAsync("1");
            await ConsoleBrowser.SaveScreenshotAsync(page, "failover-abnormal-protected");

            // Enough footage to restore that the progress is on screen for a while.
            var key = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.Single().FootageKey;
            await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 5, TimeSpan.FromSeconds(30), "the standby to record");
            await Site.StartAgentAsync("rec");
            var progress = page.Locator("tr[data-server='rec'] progress");
            await Expect(progress).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("tr[data-server='rec'] .restore")).ToContainTextAsync("files");
            // Per camera, what is home and what is still on the standby: both cameras recorded on the standby.
            await Expect(page.Locator("tr[data-server='rec'] .restore-cameras li")).ToHaveCountAsync(2);
            await Expect(page.Locator("tr[data-server='rec'] .restore-cameras li[data-camera='cam-1']")).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"^cam-1 \d+/\d+ home$"));

            await ConsoleBrowser.SaveScreenshotAsync(page, "failover-restoring");

            await Expect(StatusOf(page, "rec")).ToHaveTextAsync("Normal, protected", new() { Timeout = 90_000 });
            await Expect(StatusOf(page, "standby")).ToHaveTextAsync("Normal, protection ready", new() { Timeout = 60_000 });
            await Expect(progress).ToHaveCountAsync(0);
            (await page.EvaluateAsync<string>("window.vigilTestMark")).ShouldBe("same page");
            (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("completed");

            await page.GetByRole(AriaRole.Link, new() { Name = "Event log" }).ClickAsync();
            await page.GetByLabel("Kind").SelectOptionAsync("failover");
            await Expect(page.Locator("table.events tbody tr").First).ToBeVisibleAsync();
            await Expect(page.Locator("table.events")).ToContainTextAsync("restoring");
            await Expect(page.Locator("table.events tbody tr.kind-health")).ToHaveCountAsync(0);
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(A_killed_recording_server_is_shown_protected_restoring_and_normal_again_without_a_reload));
        }
    }

    [Fact]
    public async Task The_operator_fails_over_and_back_stops_a_restoration_and_deletes_a_protecting_standby_from_the_console()
    {
        SetDefaultExpectTimeout(15_000);

        // Slow enough that the restoration is still running when the operator stops it.
        (await Cms.PutAsync(CmsRoutes.Settings, (await Cms.GetAsync<SettingsView>(CmsRoutes.Settings)) with { RestoreBandwidthBytesPerSecond = 10_000 }))
            .EnsureSuccessStatusCode();
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        var sb = await Site.AddAsync(standby, ServerRoleName.Standby);
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await ConsoleBrowser.SignInAsync(page, Cms.Process.BaseUrl, CmsUnderTest.Password);
            await Expect(StatusOf(page, "rec")).ToHaveTextAsync("Normal, protected");

            await AdvancedAsync(page, "rec", "Fail over now");
            await ConfirmAsync(page, "Fail over now");
            await Expect(StatusOf(page, "standby")).ToHaveTextAsync("Normal, protecting");
            await Expect(StatusOf(page, "rec")).ToHaveTextAsync("Abnormal, protected");
            var first = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
            first.Origin.ShouldBe("manual");
            await Eventually.UntilAsync(() => Site.FailoverSegments("standby", first.FootageKey, "cam-1").Count >= 5,
                TimeSpan.FromSeconds(30), "the standby to record");

            // Fail back: the restore starts; stopping it removes what is left on the standby, after a warning and the first admin's verification.
            await AdvancedAsync(page, "rec", "Fail back");
            await ConfirmAsync(page, "Fail back");
            await Expect(page.Locator("tr[data-server='rec'] progress")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await AdvancedAsync(page, "rec", "Stop restoration");
            await Expect(page.Locator("dialog")).ToContainTextAsync("will be removed from the standby server");
            await ConfirmAsync(page, "Stop restoration");
            await Expect(page.Locator("dialog h2")).ToHaveTextAsync("Verify as the first admin user");
            (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("restoring", "nothing stops before the first admin confirms");
            await page.Locator("dialog").GetByLabel("Password").FillAsync(CmsUnderTest.Password);
            await page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "the stopped restoration to clean up");
            await Expect(StatusOf(page, "standby")).ToHaveTextAsync("Normal, protection ready");

            // Deleting a standby that protects a server: the seeds' warning; the first admin verified minutes ago, so it is not asked again.
            await AdvancedAsync(page, "rec", "Fail over now");
            await ConfirmAsync(page, "Fail over now");
            await Expect(StatusOf(page, "standby")).ToHaveTextAsync("Normal, protecting");
            await Select(page, "rec").UncheckAsync();
            await Select(page, "standby").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
            await ConfirmAsync(page, "Delete");
            await Expect(page.Locator("dialog h2")).ToHaveTextAsync("Recordings on the failover server will be removed");
            await ConfirmAsync(page, "Confirm");
            await Expect(page.Locator("tr[data-server='standby']")).ToHaveCountAsync(0);
            await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "stopped", "the failover to stop with its standby gone");
            (await Cms.ServersAsync()).ShouldNotContain(s => s.Id == sb.Id);
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(The_operator_fails_over_and_back_stops_a_restoration_and_deletes_a_protecting_standby_from_the_console));
        }
    }

    private static ILocator Select(IPage page, string server) => page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {server}", Exact = true });

    /// <summary>Selects only <paramref name="server"/> and picks <paramref name="action"/> from the Advanced menu.</summary>
    private static async Task AdvancedAsync(IPage page, string server, string action)
    {
        await Select(page, server).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Advanced ▾" }).ClickAsync();
        var item = page.GetByRole(AriaRole.Menuitem, new() { Name = action });
        await Expect(item).ToBeEnabledAsync();
        await item.ClickAsync();
    }

    private static async Task ConfirmAsync(IPage page, string button)
    {
        var dialog = page.Locator("dialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
    }

    private static ILocator StatusOf(IPage page, string server) => page.Locator($"table.servers tr[data-server='{server}'] .badge");
}

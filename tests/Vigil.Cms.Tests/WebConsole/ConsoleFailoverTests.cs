using Microsoft.Playwright;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// The console follows a real failover without a reload: a SIGKILLed recording agent turns "Abnormal,
/// protected" on screen, its return shows the restore's progress bar, then everything is normal again;
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
            var key = $"episode-{(await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.Single().Id}";
            await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "cam-1").Count >= 5, TimeSpan.FromSeconds(30), "the standby to record");
            await Site.StartAgentAsync("rec");
            var progress = page.Locator("tr[data-server='rec'] progress");
            await Expect(progress).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("tr[data-server='rec'] .restore")).ToContainTextAsync("files");
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

    private static ILocator StatusOf(IPage page, string server) => page.Locator($"table.servers tr[data-server='{server}'] .badge");
}

using Microsoft.Playwright;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>An operator runs a failover drill from the console's Advanced menu and reads its report on the Drills page.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleDrillTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task The_operator_runs_a_drill_from_the_console_and_sees_its_report_with_each_threshold()
    {
        SetDefaultExpectTimeout(15_000);
        var rec = await Site.AddAsync(await Site.StartAgentAsync("rec", 1), ServerRoleName.Recording);
        await Site.AddAsync(await Site.StartAgentAsync("standby"), ServerRoleName.Standby);
        (await Cms.PutAsync(CmsRoutes.DrillSettings, (await Cms.GetAsync<DrillSettingsView>(CmsRoutes.DrillSettings)) with { HoldSeconds = 4 }))
            .EnsureSuccessStatusCode();
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await ConsoleBrowser.SignInAsync(page, Cms.Process.BaseUrl, CmsUnderTest.Password);
            await Expect(page.Locator("table.servers tr[data-server='rec'] .badge")).ToHaveTextAsync("Normal, protected");

            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select rec", Exact = true }).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Advanced ▾" }).ClickAsync();
            await page.GetByRole(AriaRole.Menuitem, new() { Name = "Run drill" }).ClickAsync();
            await page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Run drill", Exact = true }).ClickAsync();

            // The Drills page shows the drill as it runs, then its report, without a reload.
            await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/drills\\?id=1$"));
            var report = page.Locator(".drill-report");
            await Expect(report.Locator("h2")).ToContainTextAsync("Drill 1 of rec");
            await Expect(report.Locator("h2 .badge")).ToHaveTextAsync("Passed", new() { Timeout = 60_000 });
            await Expect(report.Locator("tr[data-threshold=takeover] .verdict")).ToHaveTextAsync("Pass");
            await Expect(report.Locator("tr[data-threshold=gap] .verdict")).ToHaveTextAsync("Pass");
            await Expect(report.Locator("table.cameras")).ToContainTextAsync("cam-1");
            await Expect(report.Locator(".restored")).ToContainTextAsync("standby files home by checksum");
            var row = page.Locator("table.drills tbody tr[data-server='rec']");
            await Expect(row).ToHaveCountAsync(1);
            await Expect(row.Locator(".badge")).ToHaveTextAsync("Passed");
            await ConsoleBrowser.SaveScreenshotAsync(page, "drill-report");

            var drill = await Cms.GetAsync<DrillView>(CmsRoutes.Drill(1));
            drill.ServerId.ShouldBe(rec.Id);
            // The page rounds with JavaScript's toFixed, which rounds the binary value (0.35 is 0.34999…: "0.3"), .NET's "0.0" the
            // decimal one ("0.4"): the shown figure is the report's to the tenth, either way.
            var shown = double.Parse(await row.Locator("td.num").First.InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
            shown.ShouldBe(drill.TakeoverSeconds!.Value, 0.05 + 1e-9);
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(The_operator_runs_a_drill_from_the_console_and_sees_its_report_with_each_threshold));
        }
    }
}

using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Vigil.Testing.Rtsp;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// A real RTSP camera that goes away is named on the console, with why, while its server stays normal (a dead camera
/// is not the server's failure); when it comes back the line goes, without a reload.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleCameraStateTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task A_camera_that_goes_away_is_shown_unreachable_and_its_return_clears_it()
    {
        SetDefaultExpectTimeout(15_000);
        await using var gate = await RtspCamera.StartAsync();
        var recording = await Site.StartAgentWithCamerasAsync("rec", ("gate", gate.Url), ("cam-1", Site.Camera(1)));
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        // Both cameras past their first segment, so the one that stays up reads "recording" (not "starting") below.
        await Eventually.UntilAsync(
            () => Site.OwnSegments("rec", "gate").Count >= 1 && Site.OwnSegments("rec", "cam-1").Count >= 1,
            TimeSpan.FromSeconds(60), "rec to record the gate and cam-1");
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        try
        {
            await ConsoleBrowser.SignInAsync(page, Cms.Process.BaseUrl, CmsUnderTest.Password);
            var row = page.Locator("tr[data-server='rec']");
            await Expect(row.Locator(".camera-states")).ToHaveCountAsync(0);

            await gate.KillAsync();

            var line = row.Locator(".camera-states [data-camera='gate'][data-camera-state='unreachable']");
            await Expect(line).ToContainTextAsync("gate unreachable: ", new() { Timeout = 20_000 });
            await Expect(row.Locator(".badge")).ToHaveTextAsync("Normal, unprotected");
            await ConsoleBrowser.SaveScreenshotAsync(page, "camera-unreachable");
            var view = await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id));
            var state = view.CameraStates.Single(c => c.Id == "gate");
            state.State.ShouldBe("unreachable");
            state.Problem.ShouldNotBeNullOrWhiteSpace();
            view.CameraStates.Single(c => c.Id == "cam-1").State.ShouldBe("recording");

            await gate.StartAgainAsync();

            await Expect(row.Locator(".camera-states")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(A_camera_that_goes_away_is_shown_unreachable_and_its_return_clears_it));
        }
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.Cms.Alerts;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// Alerts in the web console, in real headless Chromium against a real CMS and a webhook receiver on loopback: an
/// administrator adds a webhook with the keyboard, sees its secret once, sends a test and watches the delivery log
/// show it answered 500, waiting for its retry, then delivered; a webhook the CMS refuses shows why; the e-mail password
/// never reaches the page; a viewer reads it all without a single control that changes it; a webhook is removed.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleAlertsTests
{
    private const string SmtpPassword = "smtp-password-never-shown";

    [Fact]
    public async Task An_administrator_adds_and_tests_a_webhook_and_a_viewer_reads_the_delivery_log()
    {
        SetDefaultExpectTimeout(15_000);
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        await using var browser = await ConsoleBrowser.LaunchAsync();
        var page = await browser.NewPageAsync();
        IPage? viewer = null;
        var shown = $"{receiver.Url.GetLeftPart(UriPartial.Authority)}/…";
        try
        {
            await ConsoleBrowser.SignInAsync(page, cms.Process.BaseUrl, CmsUnderTest.Password);
            await page.GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
            await Expect(page.Locator(".delivery-log .empty")).ToContainTextAsync("No alert has been sent yet");

            // The form by keyboard: the dialog opens on the URL, Tab reaches the first kind, Enter adds.
            await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).FocusAsync();
            await page.Keyboard.PressAsync("Enter");
            var add = page.Locator("dialog");
            await Expect(add.GetByLabel("URL")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(receiver.Url.ToString());
            await page.Keyboard.PressAsync("Tab");
            await Expect(add.GetByLabel(AlertKinds.ProtectionLost)).ToBeFocusedAsync();
            await page.Keyboard.PressAsync("Space");
            await add.GetByLabel("URL").PressAsync("Enter");

            var reveal = page.Locator("dialog");
            await Expect(reveal.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Webhook 1: its signing secret");
            await Expect(reveal).ToContainTextAsync("X-Vigil-Signature: t=UNIX,v1=HEX");
            var secretField = reveal.GetByLabel("Signing secret");
            await Expect(secretField).ToBeFocusedAsync();
            var secret = await secretField.InputValueAsync();
            await ConsoleBrowser.SaveScreenshotAsync(page, "alerts-webhook-secret");
            secret.Length.ShouldBeGreaterThanOrEqualTo(32);
            await reveal.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
            await Expect(page.Locator("dialog")).ToHaveCountAsync(0);
            (await page.ContentAsync()).ShouldNotContain(secret, customMessage: "the secret is shown only once");

            var webhook = page.Locator("table.webhooks tr[data-webhook='1']");
            await Expect(webhook.Locator(".url")).ToHaveTextAsync(shown);
            await Expect(webhook).ToContainTextAsync(AlertKinds.ProtectionLost);

            var sendTest = page.GetByRole(AriaRole.Button, new() { Name = "Send test to webhook 1" });
            await sendTest.ClickAsync();
            await Expect(page.GetByText("Test alert queued to webhook 1")).ToBeVisibleAsync();
            await Expect(sendTest).ToBeFocusedAsync();

            // The receiver answers the first call 500: the log follows the retry by itself, 5 s later.
            var delivery = page.Locator($"table.deliveries tr[data-kind='{AlertKinds.Test}']");
            await Expect(delivery.Locator(".target")).ToContainTextAsync(shown);
            await Expect(delivery.Locator(".state")).ToHaveTextAsync(new Regex(@"^Pending, retry at \d{2}:\d{2}:\d{2}$"));
            await Expect(delivery.Locator(".last-result")).ToHaveTextAsync("HTTP 500 Internal Server Error");
            await Expect(delivery.Locator(".state")).ToHaveTextAsync("Delivered");
            await Expect(delivery.Locator(".last-result")).ToHaveTextAsync("HTTP 200 OK");
            await Expect(delivery.Locator(".attempts")).ToHaveTextAsync("2");
            var calls = receiver.Calls.ToList();
            calls.Select(c => (c.Kind, c.AnsweredWith)).ShouldBe([(AlertKinds.Test, 500), (AlertKinds.Test, 200)]);
            WebhookSignature.Verify(secret, calls[1].Signature!, calls[1].Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))
                .ShouldBeTrue("the secret shown signs the calls");

            await page.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
            await add.GetByLabel("URL").FillAsync("http://192.0.2.10/hook");
            await add.GetByRole(AriaRole.Button, new() { Name = "Add webhook" }).ClickAsync();
            await Expect(add.Locator(".form-error")).ToContainTextAsync("A webhook must be https");
            await Expect(add.Locator(".form-error")).ToContainTextAsync("alert.invalid-webhook");
            await page.Keyboard.PressAsync("Escape");
            await Expect(page.Locator("table.webhooks tbody tr")).ToHaveCountAsync(1);

            await page.GetByRole(AriaRole.Button, new() { Name = "Set up e-mail" }).ClickAsync();
            var email = page.Locator("dialog");
            await email.GetByLabel("SMTP server").FillAsync("127.0.0.1");
            await email.GetByLabel("Port").FillAsync("2525");
            await email.GetByLabel("Security").SelectOptionAsync("none");
            await email.GetByLabel("User", new() { Exact = true }).FillAsync("vigil");
            await email.GetByLabel("Password").FillAsync(SmtpPassword);
            await email.GetByLabel("From").FillAsync("vigil@site.invalid");
            await email.GetByLabel("To", new() { Exact = true }).FillAsync("ops@site.invalid, oncall@site.invalid");
            await email.GetByRole(AriaRole.Button, new() { Name = "Save e-mail settings" }).ClickAsync();
            var settings = page.Locator(".email-settings");
            await Expect(settings).ToContainTextAsync("127.0.0.1:2525");
            await Expect(settings).ToContainTextAsync("ops@site.invalid, oncall@site.invalid");
            await Expect(settings).ToContainTextAsync("stored");
            await page.GetByRole(AriaRole.Button, new() { Name = "Edit e-mail settings" }).ClickAsync();
            await Expect(email.GetByLabel("Password")).ToHaveValueAsync(string.Empty);
            (await page.ContentAsync()).ShouldNotContain(SmtpPassword);
            await page.Keyboard.PressAsync("Escape");
            await ConsoleBrowser.SaveScreenshotAsync(page, "alerts-as-administrator");

            using var viewerApi = await cms.AddUserAsync("vera", UserRoles.Viewer);
            viewer = await browser.NewPageAsync();
            await viewer.GotoAsync(new Uri(cms.Process.BaseUrl, "/alerts").ToString());
            await viewer.GetByLabel("User name").FillAsync("vera");
            await viewer.GetByLabel("Password").FillAsync("user-password");
            await viewer.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await viewer.GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
            await Expect(viewer.Locator($"table.deliveries tr[data-kind='{AlertKinds.Test}'] .state")).ToHaveTextAsync("Delivered");
            await Expect(viewer.Locator("table.webhooks tr[data-webhook='1'] .url")).ToHaveTextAsync(shown);
            await Expect(viewer.Locator(".email-settings")).ToContainTextAsync("127.0.0.1:2525");
            await Expect(viewer.Locator(".alerts-page")).ToContainTextAsync("Only administrators change where alerts go.");
            await Expect(viewer.Locator(".alerts-page button")).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Button, new() { Name = "Remove webhook 1" }).ClickAsync();
            await page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Remove webhook" }).ClickAsync();
            await Expect(page.Locator(".webhooks .empty")).ToHaveTextAsync("No webhook is set up.");
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Webhooks" })).ToBeFocusedAsync();
            (await cms.GetAsync<AlertSettingsView>(CmsRoutes.Alerts)).Webhooks.ShouldBeEmpty();
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(An_administrator_adds_and_tests_a_webhook_and_a_viewer_reads_the_delivery_log));
            if (viewer is not null)
            {
                await ConsoleBrowser.SaveScreenshotAsync(viewer, "alerts-as-viewer");
            }
        }
    }
}

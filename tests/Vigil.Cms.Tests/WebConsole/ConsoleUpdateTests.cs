using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Hosting.Updates;
using Vigil.Testing;
using Vigil.Testing.Updates;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// An administrator updates agents from the console on a real site (<see cref="UpdateSite"/>: a CMS of 0.1.1, agents of the
/// tests' 0.1.0): a manual update with a package file chosen in the browser (a junk file refused with its rule, a signed one
/// uploaded with progress, verified and started, the update followed in the list until done, then the same package refused
/// for a server already on it), an update rolled back by the agent shown with its reason, an online update to the feed's
/// version set on the Settings page, and an operator who sees no Update menu. Each test adds agents of its own; the site
/// and the browser are shared by the class.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleUpdateTests(UpdateSiteFixture fixture) : IClassFixture<UpdateSiteFixture>
{
    private const float UpdateTimeoutMs = 240_000;

    private UpdateSite Site => fixture.Site;

    private CmsUnderTest Cms => Site.Cms;

    [Fact]
    public async Task A_manual_update_uploads_the_chosen_package_with_progress_and_the_list_follows_it_until_done()
    {
        SetDefaultExpectTimeout(15_000);
        var server = await Site.AddAsync(await Site.StartAgentAsync("manual", 1), ServerRoleName.Recording);
        var packagesBefore = (await Cms.GetAsync<UpdatePackageList>(CmsRoutes.AgentUpdatePackages)).Packages.Count;
        var page = await SignedInAsync();
        try
        {
            var row = page.Locator("table.servers tr[data-server='manual']");
            await Expect(row.Locator("td.version .agent-version")).ToHaveTextAsync(UpdateBuilds.TestBuildVersion);
            await Expect(row.Locator("td.version")).ToHaveAttributeAsync("data-compatibility", server.Compatibility);
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select manual", Exact = true }).CheckAsync();
            var dialog = await OpenAsync(page, "Manual update");
            await Expect(dialog).ToContainTextAsync("no recording gap");
            await Expect(dialog).ToContainTextAsync("one per failover group at a time");
            await Expect(dialog.Locator("label[data-server='manual'] input")).ToBeCheckedAsync();

            // Not a package: the CMS refuses it and the dialog says so, with the rule; starting is refused until a package is verified.
            await dialog.GetByLabel("Update package").SetInputFilesAsync(new FilePayload
            {
                Name = "junk.vup", MimeType = "application/octet-stream", Buffer = Encoding.UTF8.GetBytes("not a package"),
            });
            await Expect(dialog.Locator(".package-result")).ToContainTextAsync("The CMS refused this package");
            await Expect(dialog.Locator(".package-result code.rule")).ToHaveTextAsync(new Regex(@"^update\."));
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Start update" }).ClickAsync();
            await Expect(dialog.Locator("[data-field=package] .field-error")).ToContainTextAsync("verified package");
            (await Cms.GetAsync<UpdatePackageList>(CmsRoutes.AgentUpdatePackages)).Packages.Count.ShouldBe(packagesBefore, "a refused package is not kept");

            // The signed package: uploaded with a progress bar, then its version and digest as the CMS verified them.
            await dialog.GetByLabel("Update package").SetInputFilesAsync(Site.NewPackage);
            await Expect(dialog.Locator("[data-package=version]")).ToHaveTextAsync(UpdateSite.NewVersion);
            await Expect(dialog.Locator("[data-field=package] .field-error")).ToBeHiddenAsync();
            await Expect(dialog.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" })).ToHaveJSPropertyAsync("value", 100);
            await Expect(dialog.Locator(".upload-text")).ToContainTextAsync("Uploaded");
            // The digest of the whole file (the online test may have stored the same package from the feed already).
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Site.NewPackage)));
            await Expect(dialog.Locator("[data-package=sha256]")).ToHaveTextAsync(sha256);
            (await Cms.GetAsync<UpdatePackageList>(CmsRoutes.AgentUpdatePackages)).Packages.ShouldContain(p => p.Sha256 == sha256);
            await ConsoleBrowser.SaveScreenshotAsync(page, "manual-update-dialog");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Start update" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);

            // The list follows the update as it goes, then shows it done and the new version.
            var line = row.Locator(".update-line");
            await Expect(line).ToContainTextAsync($"{UpdateBuilds.TestBuildVersion} → {UpdateSite.NewVersion}");
            await Expect(line).ToHaveAttributeAsync("data-update-step", new Regex("^(queued|downloading|updating)$"));
            await Expect(line).ToHaveAttributeAsync("data-update-step", "done", new() { Timeout = UpdateTimeoutMs });
            await Expect(line.Locator(".step")).ToHaveTextAsync("Updated");
            var update = (await Cms.GetAsync<ServerUpdateList>($"{CmsRoutes.AgentUpdates}?server={server.Id}")).Updates.ShouldHaveSingleItem();
            update.Step.ShouldBe("done", update.Reason);
            update.Actor.ShouldBe("admin");
            await Expect(row.Locator("td.version .agent-version")).ToHaveTextAsync(UpdateSite.NewVersion, new() { Timeout = 30_000 });

            // The same package again for a server already on its version: the refusal is listed with its rule.
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select manual", Exact = true }).CheckAsync();
            dialog = await OpenAsync(page, "Manual update");
            await dialog.GetByLabel("Update package").SetInputFilesAsync(Site.NewPackage);
            await Expect(dialog.Locator("[data-package=version]")).ToHaveTextAsync(UpdateSite.NewVersion);
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Start update" }).ClickAsync();
            await Expect(dialog.Locator(".form-error .refusal-list li")).ToContainTextAsync("'manual'");
            await Expect(dialog.Locator(".form-error .refusal-list code.rule")).ToHaveTextAsync(UpdateRules.NotNewer);
            await page.Keyboard.PressAsync("Escape");
            await Expect(dialog).ToHaveCountAsync(0);
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(A_manual_update_uploads_the_chosen_package_with_progress_and_the_list_follows_it_until_done));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_update_the_agent_rolls_back_is_shown_in_the_list_with_its_reason()
    {
        SetDefaultExpectTimeout(15_000);
        var server = await Site.AddAsync(await Site.StartAgentAsync("rollback", 1), ServerRoleName.Recording);

        // A package that says 0.1.1 but holds the tests' own program: the agent's check of the new version fails.
        var mislabelled = Path.Combine(Site.Root, "mislabelled.vup");
        await UpdateBuilds.PackageAsync(Path.GetDirectoryName(VigilProcess.EntryAssembly)!, UpdateSite.NewVersion, Site.Key, mislabelled);
        using var content = new StreamContent(File.OpenRead(mislabelled));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var uploaded = await Cms.Http.PostAsync(CmsRoutes.AgentUpdatePackages.TrimStart('/'), content);
        var package = (await uploaded.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<UpdatePackageView>(ContractJson.Options))!;
        var page = await SignedInAsync();
        try
        {
            (await Cms.PostAsync(CmsRoutes.AgentUpdates, new StartUpdateRequest([server.Id], PackageId: package.Id))).EnsureSuccessStatusCode();
            var line = page.Locator("table.servers tr[data-server='rollback'] .update-line");
            await Expect(line).ToHaveAttributeAsync("data-update-step", "rolled_back", new() { Timeout = UpdateTimeoutMs });
            await Expect(line.Locator(".step")).ToHaveTextAsync("Update rolled back");
            var update = (await Cms.GetAsync<ServerUpdateList>($"{CmsRoutes.AgentUpdates}?server={server.Id}")).Updates.ShouldHaveSingleItem();
            await Expect(line.Locator(".reason")).ToHaveTextAsync(update.Reason.ShouldNotBeNull());
            await Expect(page.Locator("table.servers tr[data-server='rollback'] td.version .agent-version")).ToHaveTextAsync(UpdateBuilds.TestBuildVersion);
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(An_update_the_agent_rolls_back_is_shown_in_the_list_with_its_reason));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_online_update_offers_the_feed_set_on_the_settings_page_and_updates_the_picked_server()
    {
        SetDefaultExpectTimeout(15_000);
        var feed = Path.Combine(Site.Root, "feed");
        await UpdateFeed.PublishAsync(feed, [Site.NewPackage], CancellationToken.None);
        var server = await Site.AddAsync(await Site.StartAgentAsync("online", 1), ServerRoleName.Recording);
        var page = await SignedInAsync();
        try
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
            await page.GetByLabel("Online update feed").FillAsync(feed);
            await page.GetByRole(AriaRole.Button, new() { Name = "Save update feed" }).ClickAsync();
            await Expect(page.Locator(".toast")).ToContainTextAsync("Update feed saved.");
            (await Cms.GetAsync<UpdateSettingsView>(CmsRoutes.AgentUpdateSettings)).Feed.ShouldBe(feed);

            await page.GetByRole(AriaRole.Link, new() { Name = "Failover servers" }).ClickAsync();
            await page.GetByRole(AriaRole.Checkbox, new() { Name = "Select online", Exact = true }).CheckAsync();
            var dialog = await OpenAsync(page, "Online update");
            await Expect(dialog).ToContainTextAsync("no recording gap");
            await Expect(dialog.Locator(".mono")).ToHaveTextAsync(feed);
            await Expect(dialog.GetByLabel("Target version")).ToHaveValueAsync(UpdateSite.NewVersion);
            var pick = dialog.Locator("label[data-server='online'] input");
            await Expect(pick).ToBeEnabledAsync();
            await Expect(pick).ToBeCheckedAsync();
            await ConsoleBrowser.SaveScreenshotAsync(page, "online-update-dialog");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Start update" }).ClickAsync();
            await Expect(dialog).ToHaveCountAsync(0);

            var line = page.Locator("table.servers tr[data-server='online'] .update-line");
            await Expect(line).ToContainTextAsync($"→ {UpdateSite.NewVersion}");
            await Expect(line).ToHaveAttributeAsync("data-update-step", "done", new() { Timeout = UpdateTimeoutMs });
            var update = (await Cms.GetAsync<ServerUpdateList>($"{CmsRoutes.AgentUpdates}?server={server.Id}")).Updates.ShouldHaveSingleItem();
            update.ToVersion.ShouldBe(UpdateSite.NewVersion);
            update.Step.ShouldBe("done", update.Reason);
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(An_online_update_offers_the_feed_set_on_the_settings_page_and_updates_the_picked_server));
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_operator_sees_versions_but_no_update_menu_and_cannot_change_the_feed()
    {
        SetDefaultExpectTimeout(15_000);
        await Site.AddAsync(await Site.StartAgentAsync("watched", 1), ServerRoleName.Recording);
        using var api = await Cms.AddUserAsync("olga", UserRoles.Operator);
        var page = await fixture.Browser.NewPageAsync();
        try
        {
            await page.GotoAsync(Cms.Process.BaseUrl.ToString());
            await page.GetByLabel("User name").FillAsync("olga");
            await page.GetByLabel("Password").FillAsync("user-password");
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(page.Locator("table.servers tr[data-server='watched'] td.version .agent-version")).ToHaveTextAsync(UpdateBuilds.TestBuildVersion);
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Advanced ▾" })).ToBeVisibleAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Update ▾" })).ToHaveCountAsync(0);

            await page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
            await Expect(page.GetByLabel("Online update feed")).Not.ToBeEditableAsync();
            await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Save update feed" })).ToBeDisabledAsync();
            await Expect(page.Locator(".update-settings")).ToContainTextAsync("Only administrators change the update feed.");
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(page, nameof(An_operator_sees_versions_but_no_update_menu_and_cannot_change_the_feed));
            await page.Context.CloseAsync();
        }
    }

    private async Task<IPage> SignedInAsync()
    {
        var page = await fixture.Browser.NewPageAsync();
        await ConsoleBrowser.SignInAsync(page, Cms.Process.BaseUrl, CmsUnderTest.Password);
        return page;
    }

    /// <summary>Opens Update ▸ <paramref name="item"/> and answers its dialog.</summary>
    private static async Task<ILocator> OpenAsync(IPage page, string item)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Update ▾" }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = item }).ClickAsync();
        var dialog = page.Locator("dialog");
        await Expect(dialog.GetByRole(AriaRole.Heading, new() { Name = item })).ToBeVisibleAsync();
        return dialog;
    }
}

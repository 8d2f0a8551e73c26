using Microsoft.Playwright;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// Users in the web console, in real headless Chromium: an administrator adds a user and changes their role on
/// the Users page; that user, who sees no Users page, changes their own password and stays signed in. A console whose
/// session is ended elsewhere (an administrator resets that user's password) returns to the sign-in page by itself.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleUsersTests : IAsyncLifetime
{
    private ConsoleBrowser _browser = null!;
    private TestDatabase _database = null!;
    private CmsUnderTest _cms = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(15_000);
        _database = await TestDatabase.SqliteAsync();
        _cms = await CmsUnderTest.StartAsync(_database);
        _browser = await ConsoleBrowser.LaunchAsync();
        _page = await _browser.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        await _cms.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task An_administrator_adds_a_user_who_changes_their_own_password()
    {
        try
        {
            await ConsoleBrowser.SignInAsync(_page, _cms.Process.BaseUrl, CmsUnderTest.Password);
            await _page.GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
            await Expect(_page.Locator("tr[data-user='admin']")).ToContainTextAsync("(first admin)");
            await Expect(_page.GetByLabel("Role of admin")).ToBeDisabledAsync();

            await _page.GetByRole(AriaRole.Button, new() { Name = "Add user" }).ClickAsync();
            var add = _page.Locator("dialog");
            await add.GetByLabel("User name").FillAsync("otto");
            await add.GetByLabel("Role").SelectOptionAsync("viewer");
            await add.GetByLabel("Password").FillAsync("short");
            await add.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await Expect(add.Locator("[data-field=newPassword] .field-error")).ToContainTextAsync("auth.password-too-short");
            await add.GetByLabel("Password").FillAsync("otto-password");
            await add.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await _page.GetByLabel("Role of otto").SelectOptionAsync("operator");
            await Eventually.UntilAsync(async () => (await _cms.GetAsync<UserList>(CmsRoutes.Users)).Users.Any(u => u.Name == "otto" && u.Role == UserRoles.Operator),
                TimeSpan.FromSeconds(10), "otto to be an operator");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

            await _page.GetByLabel("User name").FillAsync("otto");
            await _page.GetByLabel("Password").FillAsync("otto-password");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await _page.GetByRole(AriaRole.Tab, new() { Name = "All groups" }).WaitForAsync();
            await Expect(_page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToBeHiddenAsync();

            await _page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            var change = _page.Locator("dialog");
            await change.GetByLabel("Current password").FillAsync("not-it");
            await change.GetByLabel("New password", new() { Exact = true }).FillAsync("otto-new-password");
            await change.GetByLabel("New password again").FillAsync("otto-new-password");
            await change.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(change.Locator("[data-field=password] .field-error")).ToContainTextAsync("auth.wrong-credentials");
            await change.GetByLabel("Current password").FillAsync("otto-password");
            await change.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
            await Expect(_page.GetByText("Password changed")).ToBeVisibleAsync();

            await _page.ReloadAsync();
            await _page.GetByRole(AriaRole.Tab, new() { Name = "All groups" }).WaitForAsync();
            (await _cms.SignInAsync("otto", "otto-new-password")).Dispose();
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(_page, nameof(An_administrator_adds_a_user_who_changes_their_own_password));
        }
    }

    [Fact]
    public async Task A_console_whose_session_an_administrator_ends_returns_to_sign_in_by_itself()
    {
        try
        {
            (await _cms.AddUserAsync("olga", UserRoles.Operator, "olga-password")).Dispose();
            var olga = (await _cms.GetAsync<UserList>(CmsRoutes.Users)).Users.Single(u => u.Name == "olga");
            await _page.GotoAsync(_cms.Process.BaseUrl.ToString());
            await _page.GetByLabel("User name").FillAsync("olga");
            await _page.GetByLabel("Password").FillAsync("olga-password");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await _page.GetByRole(AriaRole.Tab, new() { Name = "All groups" }).WaitForAsync();
            await Expect(_page.Locator("#live")).ToHaveTextAsync("Live");

            // Nothing is clicked in the console: its live stream ends with the session, and it finds out why.
            (await _cms.PutAsync(CmsRoutes.UserPassword(olga.Id), new PasswordResetRequest("olga-new-password"))).EnsureSuccessStatusCode();
            await Expect(_page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"), new() { Timeout = 30_000 });
            await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(_page, nameof(A_console_whose_session_an_administrator_ends_returns_to_sign_in_by_itself));
        }
    }
}

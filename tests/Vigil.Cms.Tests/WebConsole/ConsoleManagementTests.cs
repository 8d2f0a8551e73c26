using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using static Microsoft.Playwright.Assertions;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>
/// The web console in real headless Chromium against a real <c>vigil cms</c> paired with real agents: what an
/// operator does on the seeds' Failover Server and Failover Group tabs, seen only through the page.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class ConsoleManagementTests(AgentsFixture agents) : IAsyncLifetime
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
    public async Task Signing_in_and_adding_a_recording_server_and_a_standby_shows_them_protected_and_ready()
    {
        await ScreenshotAfterAsync(nameof(Signing_in_and_adding_a_recording_server_and_a_standby_shows_them_protected_and_ready), async () =>
        {
            // Every page asks for a session first; a wrong password is said beside the field, with its rule.
            await _page.GotoAsync(new Uri(_cms.Process.BaseUrl, "events").ToString());
            await Expect(_page).ToHaveURLAsync(new Uri(_cms.Process.BaseUrl, "login").ToString());
            await _page.GetByLabel("Password").FillAsync("not the password");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Expect(_page.Locator("[data-field=password] .field-error")).ToContainTextAsync("auth.wrong-credentials");
            await ConsoleBrowser.SignInAsync(_page, _cms.Process.BaseUrl, CmsUnderTest.Password);
            await Expect(_page.GetByText("No servers here yet")).ToBeVisibleAsync();

            var add = await OpenAddServerAsync(agents.Recording1);
            await add.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
            await Expect(add.Locator(".test-result")).ToContainTextAsync("It can join this group in this role.");
            await Expect(add.Locator(".test-result")).ToContainTextAsync("rec-a");
            await add.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await Expect(StatusOf("rec-a")).ToHaveTextAsync("Normal, unprotected");

            // A refused name is shown beside the name field, naming the rule; nothing is added.
            add = await OpenAddServerAsync(agents.Standby1, standby: true);
            await add.GetByLabel("Name", new() { Exact = true }).FillAsync("standby/1");
            await add.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await Expect(add.Locator("[data-field=name] .field-error")).ToContainTextAsync("server-name.forbidden-symbol");
            await add.GetByLabel("Name", new() { Exact = true }).FillAsync("Standby 1");
            await add.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();

            await Expect(StatusOf("rec-a")).ToHaveTextAsync("Normal, protected");
            await Expect(StatusOf("Standby 1")).ToHaveTextAsync("Normal, protection ready");
            await Expect(PanelCount("recording", "normal_protected")).ToHaveTextAsync("1");
            await Expect(PanelCount("standby", "normal_ready")).ToHaveTextAsync("1");

            // The status panel filters the list; a second click shows every server again.
            await PanelFilter("standby", "normal_ready").ClickAsync();
            await Expect(_page.Locator("table.servers tbody tr")).ToHaveCountAsync(1);
            await Expect(Row("Standby 1")).ToBeVisibleAsync();
            await PanelFilter("standby", "normal_ready").ClickAsync();
            await Expect(_page.Locator("table.servers tbody tr")).ToHaveCountAsync(2);

            // An https server is first only looked at: its certificate is shown to compare with the fingerprint it printed
            // at start, and its password is sent only once the operator trusts it.
            add = await OpenAddServerAsync(agents.SecureStandby, standby: true);
            await add.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
            await Expect(add.Locator(".test-result")).ToContainTextAsync("not trusted yet");
            await Expect(add.Locator(".trust .fingerprint")).ToHaveTextAsync(AgentsFixture.PrintedFingerprint(agents.SecureStandby));
            await add.GetByLabel("It is the same: trust this certificate").CheckAsync();
            await add.GetByRole(AriaRole.Button, new() { Name = "Test connection" }).ClickAsync();
            await Expect(add.Locator(".test-result")).ToContainTextAsync("It can join this group in this role.");
            await add.GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await Expect(StatusOf("standby-tls")).ToHaveTextAsync("Normal, protection ready");
            (await _cms.ServersAsync()).Single(s => s.Name == "standby-tls").CertificateFingerprint.ShouldBe(AgentsFixture.PrintedFingerprint(agents.SecureStandby));
        });
    }

    [Fact]
    public async Task Batch_add_previews_the_prefix_names_refuses_a_bad_prefix_and_adds_them_all()
    {
        await ScreenshotAfterAsync(nameof(Batch_add_previews_the_prefix_names_refuses_a_bad_prefix_and_adds_them_all), async () =>
        {
            await ConsoleBrowser.SignInAsync(_page, _cms.Process.BaseUrl, CmsUnderTest.Password);
            await _page.GetByRole(AriaRole.Button, new() { Name = "Add ▾" }).ClickAsync();
            await _page.GetByRole(AriaRole.Menuitem, new() { Name = "Add batch" }).ClickAsync();
            var batch = _page.Locator("dialog");
            await batch.GetByLabel("Naming rule").SelectOptionAsync("prefix_number");
            await batch.GetByLabel("Prefix", new() { Exact = true }).FillAsync("Hall#");
            await batch.GetByLabel("Servers").FillAsync($"{HostPort(agents.Recording1)}\n{HostPort(agents.Recording2)}");
            await batch.GetByLabel("Admin password").FillAsync(AgentsFixture.Password);
            await batch.GetByLabel("Connect over HTTPS").UncheckAsync();

            // The preview names what is wrong before anything is added: here the prefix, beside its field.
            await Expect(batch.Locator("[data-field=prefix] .field-error")).ToContainTextAsync("batch-naming.invalid-prefix");
            await Expect(batch.Locator(".preview-table tbody tr")).ToHaveCountAsync(2);

            await batch.GetByLabel("Prefix", new() { Exact = true }).FillAsync("Hall");
            await Expect(batch.Locator(".preview-table")).ToContainTextAsync("Hall-1");
            await Expect(batch.Locator(".preview-table")).ToContainTextAsync("Hall-2");
            await Expect(batch.Locator("[data-field=prefix] .field-error")).ToBeHiddenAsync();
            await ConsoleBrowser.SaveScreenshotAsync(_page, "batch-add-preview");

            await batch.GetByRole(AriaRole.Button, new() { Name = "Add all" }).ClickAsync();
            await Expect(batch).ToHaveCountAsync(0);
            await Expect(StatusOf("Hall-1")).ToHaveTextAsync("Normal, unprotected");
            await Expect(StatusOf("Hall-2")).ToHaveTextAsync("Normal, unprotected");
            (await _cms.ServersAsync()).Select(s => s.Name).Order().ShouldBe(["Hall-1", "Hall-2"]);

            // More events than a page holds: the event log shows the newest 100, and "Older events" the rest, from the CMS.
            var hall = (await _cms.ServersAsync()).Single(s => s.Name == "Hall-1");
            for (var i = 0; i < 100; i++)
            {
                (await _cms.Http.PatchAsJsonAsync($"api/v1/servers/{hall.Id}", new EditServerRequest(Name: $"Hall-1{(i % 2 == 0 ? "a" : string.Empty)}"),
                    ContractJson.Options)).EnsureSuccessStatusCode();
            }

            await _page.GetByRole(AriaRole.Link, new() { Name = "Event log" }).ClickAsync();
            await _page.GetByLabel("Kind").SelectOptionAsync("operator");
            await Expect(_page.Locator("table.events tbody tr")).ToHaveCountAsync(100);
            await Expect(_page.Locator("table.events")).Not.ToContainTextAsync("add server");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Older events" }).ClickAsync();
            // The older page: what came before the 100 edits, the adding of the batch.
            await Expect(_page.Locator("table.events tbody tr").First).ToBeVisibleAsync();
            await Expect(_page.Locator("table.events")).ToContainTextAsync("add server");
            await Expect(_page.Locator("table.events")).Not.ToContainTextAsync("edit server");
            await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Older events" })).ToHaveCountAsync(0);
            await _page.GetByRole(AriaRole.Button, new() { Name = "Newest events" }).ClickAsync();
            await Expect(_page.Locator("table.events tbody tr")).ToHaveCountAsync(100);
        });
    }

    [Fact]
    public async Task A_group_is_added_renamed_unprotected_and_deleted_after_the_warning_and_the_first_admins_verification()
    {
        await ScreenshotAfterAsync(nameof(A_group_is_added_renamed_unprotected_and_deleted_after_the_warning_and_the_first_admins_verification), async () =>
        {
            await ConsoleBrowser.SignInAsync(_page, _cms.Process.BaseUrl, CmsUnderTest.Password);
            await _page.GetByRole(AriaRole.Button, new() { Name = "+ Add group" }).ClickAsync();
            await _page.Locator("dialog").GetByLabel("Group name").FillAsync("Warehouse");
            await _page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Add", Exact = true }).ClickAsync();
            await _page.GetByRole(AriaRole.Tab, new() { Name = "Warehouse" }).ClickAsync();

            await _page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
            await _page.Locator("dialog").GetByLabel("Group name").FillAsync("Warehouse East");
            await _page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(_page.GetByRole(AriaRole.Tab, new() { Name = "Warehouse East" })).ToBeVisibleAsync();

            await _page.GetByRole(AriaRole.Switch, new() { Name = "Failover protection" }).UncheckAsync();
            await Eventually.UntilAsync(async () => !(await Group("Warehouse East"))!.ProtectionEnabled, TimeSpan.FromSeconds(10), "protection to be off");
            await Expect(_page.GetByRole(AriaRole.Switch, new() { Name = "Failover protection" })).Not.ToBeCheckedAsync();

            // "Failover Group 1" cannot be deleted; another group only after the warning and the first admin's verification.
            await _page.GetByRole(AriaRole.Button, new() { Name = "Delete group" }).ClickAsync();
            var warning = _page.Locator("dialog");
            await Expect(warning).ToContainTextAsync("any takeover process in it is interrupted immediately");
            await warning.GetByRole(AriaRole.Button, new() { Name = "Delete group" }).ClickAsync();
            var verify = _page.Locator("dialog");
            await Expect(verify.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Verify as the first admin user");
            await verify.GetByLabel("Password").FillAsync("wrong");
            await verify.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(verify.Locator("[data-field=password] .field-error")).ToContainTextAsync("auth.wrong-credentials");
            await verify.GetByLabel("Password").FillAsync(CmsUnderTest.Password);
            await verify.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();

            await Expect(_page.GetByRole(AriaRole.Tab, new() { Name = "Warehouse East" })).ToHaveCountAsync(0);
            (await Group("Warehouse East")).ShouldBeNull();
            await _page.GetByRole(AriaRole.Tab, new() { Name = "Failover Group 1" }).ClickAsync();
            await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Delete group" })).ToBeDisabledAsync();
        });
    }

    [Fact]
    public async Task At_tablet_width_the_status_panel_is_above_the_list_and_the_keyboard_reaches_every_action()
    {
        _page = await _browser.NewPageAsync(width: 820, height: 1180);
        await ScreenshotAfterAsync(nameof(At_tablet_width_the_status_panel_is_above_the_list_and_the_keyboard_reaches_every_action), async () =>
        {
            await _cms.AddAsync(AgentsFixture.Add(agents.Recording1, ServerRoleName.Recording));
            await _page.GotoAsync(_cms.Process.BaseUrl.ToString());
            await _page.GetByLabel("Password").FillAsync(CmsUnderTest.Password);
            await _page.Keyboard.PressAsync("Enter");
            await Expect(StatusOf("rec-a")).ToHaveTextAsync("Normal, unprotected");

            (await _page.EvaluateAsync<bool>(
                "document.querySelector('.status-panel').getBoundingClientRect().bottom <= document.querySelector('table.servers').getBoundingClientRect().top"))
                .ShouldBeTrue("the status panel is above the list");
            var width = await _page.EvaluateAsync<int>("document.documentElement.scrollWidth");
            width.ShouldBeLessThanOrEqualTo(820);

            // Tab alone walks through every action of the page; those for selected servers once one is selected.
            var reached = await TabRoundAsync();
            foreach (var action in new[] { "Failover servers", "Event log", "Settings", "Users", "Change password", "Sign out", "All groups", "+ Add group",
                         "Add", "Select all servers shown", "Select rec-a" })
            {
                reached.ShouldContain(name => name.StartsWith(action, StringComparison.Ordinal), $"Tab reaches '{action}'");
            }

            // Select the server and open Edit with the keyboard alone: Tab to its box, Space, then back to Edit.
            await TabToAsync("Select rec-a", "Tab");
            await _page.Keyboard.PressAsync("Space");
            await Expect(_page.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true })).ToBeEnabledAsync();
            var withSelection = await TabRoundAsync();
            foreach (var action in new[] { "Edit", "Enable", "Disable", "Delete", "Advanced" })
            {
                withSelection.ShouldContain(name => name.StartsWith(action, StringComparison.Ordinal), $"Tab reaches '{action}' once a server is selected");
            }

            await TabToAsync("Edit", "Tab");
            await _page.Keyboard.PressAsync("Enter");
            await Expect(_page.Locator("dialog").GetByRole(AriaRole.Heading)).ToHaveTextAsync("Edit rec-a");
            await _page.Keyboard.PressAsync("Escape");
            await Expect(_page.Locator("dialog")).ToHaveCountAsync(0);
        });
    }

    /// <summary>Presses <paramref name="key"/> (Tab or Shift+Tab) until the element named <paramref name="name"/> has the focus.</summary>
    private async Task TabToAsync(string name, string key)
    {
        for (var i = 0; i < 80; i++)
        {
            await _page.Keyboard.PressAsync(key);
            if (await FocusedNameAsync() == name)
            {
                return;
            }
        }

        throw new ShouldAssertException($"80 presses of {key} never reached '{name}'");
    }

    /// <summary>The names of what 80 presses of Tab focus, one after another.</summary>
    private async Task<List<string>> TabRoundAsync()
    {
        var reached = new List<string>();
        for (var i = 0; i < 80; i++)
        {
            await _page.Keyboard.PressAsync("Tab");
            reached.Add(await FocusedNameAsync());
        }

        return reached;
    }

    /// <summary>What a screen reader would call the focused element: its label, else its text.</summary>
    private Task<string> FocusedNameAsync() => _page.EvaluateAsync<string>(
        "(() => { const e = document.activeElement; return e ? (e.getAttribute('aria-label') || e.textContent || '').trim() : ''; })()");

    [Fact]
    public async Task Settings_are_saved_from_their_page_and_a_refused_value_is_shown_beside_its_field()
    {
        await ScreenshotAfterAsync(nameof(Settings_are_saved_from_their_page_and_a_refused_value_is_shown_beside_its_field), async () =>
        {
            await ConsoleBrowser.SignInAsync(_page, _cms.Process.BaseUrl, CmsUnderTest.Password);
            await _page.GetByRole(AriaRole.Link, new() { Name = "Settings" }).ClickAsync();
            await Expect(_page).ToHaveURLAsync(new Uri(_cms.Process.BaseUrl, "settings").ToString());
            var interval = _page.GetByLabel("Probe interval (ms)");
            await interval.FillAsync("0");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
            await Expect(_page.Locator("[data-field=probeIntervalMs] .field-error")).ToContainTextAsync("settings.probe-interval");

            await interval.FillAsync("500");
            await _page.GetByLabel("Probe timeout (ms)").FillAsync("400");
            await _page.GetByLabel("Restore bandwidth limit (bytes/s)").FillAsync("2000000");
            await _page.GetByLabel("Keep events (days)").FillAsync("90");
            await _page.GetByLabel("Automatic failback").UncheckAsync();
            await _page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
            await Expect(_page.GetByText("Settings saved.")).ToBeVisibleAsync();
            var saved = await _cms.GetAsync<SettingsView>(CmsRoutes.Settings);
            saved.ProbeIntervalMs.ShouldBe(500);
            saved.RestoreBandwidthBytesPerSecond.ShouldBe(2_000_000);
            saved.EventRetentionDays.ShouldBe(90);
            saved.AutomaticFailback.ShouldBeFalse();

            // Turning the restore of recordings off discards failover footage: only after the first admin's verification.
            await _page.GetByLabel("Restore recordings").UncheckAsync();
            await _page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
            var verify = _page.Locator("dialog");
            await Expect(verify.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Verify as the first admin user");
            (await _cms.GetAsync<SettingsView>(CmsRoutes.Settings)).RestoreRecordings.ShouldBeTrue();
            await verify.GetByLabel("Password").FillAsync(CmsUnderTest.Password);
            await verify.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Eventually.UntilAsync(async () => !(await _cms.GetAsync<SettingsView>(CmsRoutes.Settings)).RestoreRecordings,
                TimeSpan.FromSeconds(10), "restore recordings to be off");

            // A reload shows what the CMS keeps.
            await _page.ReloadAsync();
            await Expect(_page.GetByLabel("Probe interval (ms)")).ToHaveValueAsync("500");
        });
    }

    [Fact]
    public async Task Servers_are_disabled_enabled_edited_and_a_standby_deleted_with_the_first_admins_verification()
    {
        await ScreenshotAfterAsync(nameof(Servers_are_disabled_enabled_edited_and_a_standby_deleted_with_the_first_admins_verification), async () =>
        {
            await _cms.AddAsync(AgentsFixture.Add(agents.Recording1, ServerRoleName.Recording));
            await _cms.AddAsync(AgentsFixture.Add(agents.Standby1, ServerRoleName.Standby));
            await ConsoleBrowser.SignInAsync(_page, _cms.Process.BaseUrl, CmsUnderTest.Password);
            await Expect(StatusOf("rec-a")).ToHaveTextAsync("Normal, protected");

            await Select("rec-a").CheckAsync();
            await _page.GetByRole(AriaRole.Button, new() { Name = "Disable", Exact = true }).ClickAsync();
            await Expect(StatusOf("rec-a")).ToHaveTextAsync("Disabled");
            await _page.GetByRole(AriaRole.Button, new() { Name = "Enable", Exact = true }).ClickAsync();
            await Expect(StatusOf("rec-a")).ToHaveTextAsync("Normal, protected");

            await _page.GetByRole(AriaRole.Button, new() { Name = "Edit", Exact = true }).ClickAsync();
            await _page.Locator("dialog").GetByLabel("Name", new() { Exact = true }).FillAsync("Lobby NVR");
            await _page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
            await Expect(StatusOf("Lobby NVR")).ToHaveTextAsync("Normal, protected");

            await Select("Lobby NVR").UncheckAsync();
            await Select("standby-a").CheckAsync();
            await _page.GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
            await _page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
            await Expect(_page.Locator("dialog h2")).ToHaveTextAsync("Verify as the first admin user");
            await _page.Locator("dialog").GetByLabel("Password").FillAsync(CmsUnderTest.Password);
            await _page.Locator("dialog").GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
            await Expect(Row("standby-a")).ToHaveCountAsync(0);
            await Expect(StatusOf("Lobby NVR")).ToHaveTextAsync("Normal, unprotected");
            (await _cms.ServersAsync()).Select(s => s.Name).ShouldBe(["Lobby NVR"]);
        });
    }

    [Fact]
    public async Task An_agents_admin_password_is_changed_from_the_console_and_the_cms_pairs_again()
    {
        var data = Directory.CreateTempSubdirectory("vigil-console-agent-password-").FullName;
        try
        {
            await using var agent = await VigilProcess.StartAsync(["agent", "--data", data, "--urls", "http://127.0.0.1:0", "--name", "gatehouse"],
                new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password });
            await _cms.AddAsync(AgentsFixture.Add(agent, ServerRoleName.Standby));
            await ScreenshotAfterAsync(nameof(An_agents_admin_password_is_changed_from_the_console_and_the_cms_pairs_again), async () =>
            {
                await ConsoleBrowser.SignInAsync(_page, _cms.Process.BaseUrl, CmsUnderTest.Password);
                await Select("gatehouse").CheckAsync();
                await _page.GetByRole(AriaRole.Button, new() { Name = "Advanced ▾" }).ClickAsync();
                await _page.GetByRole(AriaRole.Menuitem, new() { Name = "Change agent password" }).ClickAsync();
                var dialog = _page.Locator("dialog");
                await dialog.GetByLabel("Current admin password of the server").FillAsync(AgentsFixture.Password);
                await dialog.GetByLabel("New admin password").FillAsync("gatehouse-n3w");
                await dialog.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
                await Expect(dialog).ToHaveCountAsync(0);
            });

            using var basic = new HttpClient { BaseAddress = agent.BaseUrl };
            basic.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("admin:gatehouse-n3w"u8.ToArray()));
            (await basic.GetAsync("api/v1/health")).StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, "the agent has the new password");
            var since = TimeProvider.System.GetUtcNow();
            await Eventually.UntilAsync(async () => (await _cms.ServersAsync()).Single().Health.LastProbe > since, TimeSpan.FromSeconds(15), "a probe with the new credential");
            (await _cms.ServersAsync()).Single().Health.Access.ShouldBeNull();
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private ILocator Select(string server) => _page.GetByRole(AriaRole.Checkbox, new() { Name = $"Select {server}", Exact = true });

    private async Task<ILocator> OpenAddServerAsync(VigilProcess agent, bool standby = false)
    {
        await _page.GetByRole(AriaRole.Button, new() { Name = "Add ▾" }).ClickAsync();
        await _page.GetByRole(AriaRole.Menuitem, new() { Name = "Add server" }).ClickAsync();
        var dialog = _page.Locator("dialog");
        if (standby)
        {
            await dialog.GetByLabel("Standby server").CheckAsync();
        }

        await dialog.GetByLabel("IP address or host name").FillAsync(agent.BaseUrl.Host);
        await dialog.GetByLabel("Port").FillAsync(agent.BaseUrl.Port.ToString(CultureInfo.InvariantCulture));
        await dialog.GetByLabel("Admin password of the server").FillAsync(AgentsFixture.Password);
        await dialog.GetByLabel("Connect over HTTPS").SetCheckedAsync(agent.BaseUrl.Scheme == "https");
        return dialog;
    }

    private ILocator Row(string server) => _page.Locator($"table.servers tr[data-server='{server}']");

    private ILocator StatusOf(string server) => Row(server).Locator(".badge");

    private ILocator PanelFilter(string role, string status) => _page.Locator($".status-panel button[data-role={role}][data-status={status}]");

    private ILocator PanelCount(string role, string status) => PanelFilter(role, status).Locator(".count");

    private static string HostPort(VigilProcess agent) => $"{agent.BaseUrl.Host}:{agent.BaseUrl.Port}";

    private async Task<GroupView?> Group(string name) =>
        (await _cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.FirstOrDefault(g => g.Name == name);

    /// <summary>Runs the test's steps and saves the page it ends on, whether the steps passed or not.</summary>
    private async Task ScreenshotAfterAsync(string name, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        finally
        {
            await ConsoleBrowser.SaveScreenshotAsync(_page, name);
        }
    }
}

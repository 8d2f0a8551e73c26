using System.Net;
using System.Net.Http.Json;
using System.Text;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Api;

/// <summary>
/// The inventory rules (docs/product-rules.md) seen through the real HTTP API of a real <c>vigil cms</c> process paired with
/// real agents. Every fact runs once per database engine (see the derived classes).
/// </summary>
public abstract class CmsApiContract(AgentsFixture agents)
{
    protected AgentsFixture Agents { get; } = agents;

    protected abstract Task<TestDatabase> CreateDatabaseAsync();

    protected async Task<(TestDatabase Database, CmsUnderTest Cms)> StartAsync()
    {
        var database = await CreateDatabaseAsync();
        return (database, await CmsUnderTest.StartAsync(database));
    }

    [Fact]
    public async Task A_recording_server_and_a_ready_standby_show_normal_protected_and_normal_ready()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;

        var recording = await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording));
        recording.Status.Code.ShouldBe("normal_unprotected");
        recording.Cameras.Single().Id.ShouldBe("cam1");
        var standby = await cms.AddAsync(AgentsFixture.Add(Agents.Standby1, ServerRoleName.Standby, name: "Standby 1"));

        standby.Name.ShouldBe("Standby 1");
        standby.Status.Code.ShouldBe("normal_ready");
        var servers = await cms.ServersAsync();
        servers.Single(s => s.Id == recording.Id).Status.Code.ShouldBe("normal_protected");
        await Eventually.UntilAsync(async () => (await cms.ServersAsync()).All(s => s.Health.LastProbe is not null), TimeSpan.FromSeconds(15), "both servers probed");
        (await cms.ServersAsync()).Select(s => s.Health.State).ShouldAllBe(s => s == "healthy");

        var summary = await cms.GetAsync<StatusSummary>(CmsRoutes.Status);
        summary.Recording["normal_protected"].ShouldBe(1);
        summary.Standby["normal_ready"].ShouldBe(1);
        summary.Total.ShouldBe(2);
        (await cms.ServersAsync("?status=normal_ready")).Single().Id.ShouldBe(standby.Id);
        (await cms.ServersAsync("?role=recording")).Single().Id.ShouldBe(recording.Id);
        (await cms.ServersAsync("?group=1")).Count.ShouldBe(2);
        await (await cms.Http.GetAsync("api/v1/servers?status=fine")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.unknown-status");
    }

    [Fact]
    public async Task The_default_group_exists_from_the_first_start_and_cannot_be_deleted()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;

        var group = (await cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.ShouldHaveSingleItem();
        group.Name.ShouldBe("Failover Group 1");
        group.IsDefault.ShouldBeTrue();
        group.ProtectionEnabled.ShouldBeTrue();
        await cms.ReauthenticateAsync();

        await (await cms.DeleteAsync(CmsRoutes.Group(group.Id))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "group.default-undeletable");
        (await cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Group_names_and_the_group_limit_are_enforced_and_the_limit_is_a_setting()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var settings = await cms.GetAsync<SettingsView>(CmsRoutes.Settings);
        settings.MaxGroups.ShouldBe(16);
        settings.MaxServersPerGroup.ShouldBe(64);
        await (await cms.PutAsync(CmsRoutes.Settings, settings with { MaxGroups = 2 })).ShouldHaveStatusAsync(HttpStatusCode.OK);

        await (await cms.PostAsync(CmsRoutes.Groups, new GroupRequest("Warehouse"))).ShouldHaveStatusAsync(HttpStatusCode.Created);
        await (await cms.PostAsync(CmsRoutes.Groups, new GroupRequest("Yard"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "group.limit-reached");
        await (await cms.PutAsync(CmsRoutes.Group(1), new GroupRequest("warehouse"))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "group.name-duplicate");
        await (await cms.PutAsync(CmsRoutes.Group(1), new GroupRequest(" "))).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "group.name-empty");

        var protection = await cms.PutAsync(CmsRoutes.GroupProtection(1), new ProtectionRequest(false));
        (await protection.Content.ReadFromJsonAsync<GroupView>(ContractJson.Options))!.ProtectionEnabled.ShouldBeFalse();
        (await cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.Select(g => g.Name).ShouldBe(["Failover Group 1", "Warehouse"]);
    }

    [Fact]
    public async Task A_group_holds_at_most_the_configured_number_of_servers()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var settings = await cms.GetAsync<SettingsView>(CmsRoutes.Settings);
        await (await cms.PutAsync(CmsRoutes.Settings, settings with { MaxServersPerGroup = 2 })).ShouldHaveStatusAsync(HttpStatusCode.OK);
        await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording));
        await cms.AddAsync(AgentsFixture.Add(Agents.Standby1, ServerRoleName.Standby));

        var third = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.Recording2, ServerRoleName.Recording));

        await third.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "group.server-limit-reached");
        (await cms.ServersAsync()).Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_ineligible_standby_is_refused_with_every_reason_and_nothing_is_stored()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording));

        var withCameras = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.Recording2, ServerRoleName.Standby));
        var detail = await withCameras.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "standby.has-cameras");
        detail.ShouldContain("empty camera list");

        var small = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.SmallStandby, ServerRoleName.Standby));
        (await small.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "standby.too-few-license-channels")).ShouldContain("at least 16 license channels");

        var test = await cms.PostAsync(CmsRoutes.ServerTest, new TestConnectionRequest(
            Agents.SmallStandby.BaseUrl.Host, Agents.SmallStandby.BaseUrl.Port, false, AgentsFixture.Password, ServerRoleName.Standby, 1));
        var tested = (await test.Content.ReadFromJsonAsync<TestConnectionResponse>(ContractJson.Options))!;
        tested.Name.ShouldBe("standby-small");
        tested.LicenseChannels.ShouldBe(4);
        tested.Refusals.Select(r => r.Rule).ShouldBe(["standby.too-few-license-channels"]);
        (await cms.ServersAsync()).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Server_names_follow_the_rules_and_stay_unique()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;

        var slash = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording, name: "rec/1"));
        await slash.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server-name.forbidden-symbol");
        var minus = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording, name: "-rec"));
        await minus.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server-name.leading-minus");
        var tooLong = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording, name: new string('x', 33)));
        await tooLong.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server-name.too-long");
        (await cms.ServersAsync()).ShouldBeEmpty();

        var first = await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording, name: "Lobby-1 ü"));
        first.Name.ShouldBe("Lobby-1 ü");
        var duplicate = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.Recording2, ServerRoleName.Recording, name: "Lobby-1 ü"));
        await duplicate.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server-name.duplicate");
        await cms.AddAsync(AgentsFixture.Add(Agents.Recording2, ServerRoleName.Recording, name: "lobby-1 ü"));

        var again = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording, name: "other"));
        await again.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.already-added");
    }

    [Fact]
    public async Task Batch_add_previews_generated_names_then_adds_all_or_nothing()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        ServerAddress[] members = [AgentsFixture.Address(Agents.Recording1), AgentsFixture.Address(Agents.Recording2)];

        var preview = await cms.PostAsync(CmsRoutes.ServerBatch, new BatchAddRequest(1, ServerRoleName.Recording, NamingRuleName.ModelNumber, null, AgentsFixture.Password, members, Preview: true));
        var previewed = (await preview.Content.ReadFromJsonAsync<BatchAddResponse>(ContractJson.Options))!;
        previewed.Added.ShouldBeFalse();
        previewed.Members.Select(m => m.Name).ShouldBe(["Vigil Agent-1", "Vigil Agent-2"]);
        (await cms.ServersAsync()).ShouldBeEmpty();

        var badPrefix = await cms.PostAsync(CmsRoutes.ServerBatch, new BatchAddRequest(1, ServerRoleName.Recording, NamingRuleName.PrefixNumber, "Hall:", AgentsFixture.Password, members));
        await badPrefix.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.batch-refused");
        var longPrefix = await cms.PostAsync(CmsRoutes.ServerBatch, new BatchAddRequest(1, ServerRoleName.Recording, NamingRuleName.PrefixNumber, new string('p', 31), AgentsFixture.Password, members));
        await longPrefix.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.batch-refused");
        var oneIneligible = await cms.PostAsync(CmsRoutes.ServerBatch, new BatchAddRequest(1, ServerRoleName.Standby, NamingRuleName.Default, null, AgentsFixture.Password,
            [AgentsFixture.Address(Agents.Standby1), AgentsFixture.Address(Agents.Recording1)]));
        await oneIneligible.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.batch-refused");
        (await cms.ServersAsync()).ShouldBeEmpty();

        var added = await cms.PostAsync(CmsRoutes.ServerBatch, new BatchAddRequest(1, ServerRoleName.Recording, NamingRuleName.PrefixNumber, "Hall", AgentsFixture.Password, members));
        (await added.Content.ReadFromJsonAsync<BatchAddResponse>(ContractJson.Options))!.Added.ShouldBeTrue();
        (await cms.ServersAsync()).Select(s => s.Name).Order().ShouldBe(["Hall-1", "Hall-2"]);
    }

    [Fact]
    public async Task Removing_a_standby_and_deleting_a_group_need_the_first_admin_to_reauthenticate()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var created = await cms.PostAsync(CmsRoutes.Groups, new GroupRequest("Warehouse"));
        var group = (await created.Content.ReadFromJsonAsync<GroupView>(ContractJson.Options))!;
        var recording = await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording, group.Id));
        var standby = await cms.AddAsync(AgentsFixture.Add(Agents.Standby1, ServerRoleName.Standby, group.Id));

        await (await cms.DeleteAsync(CmsRoutes.Server(standby.Id))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "auth.reauthentication-required");
        await (await cms.DeleteAsync(CmsRoutes.Group(group.Id))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "auth.reauthentication-required");
        var wrong = await cms.PostAsync(CmsRoutes.Reauthenticate, new ReauthenticationRequest("admin", "not-it"));
        await wrong.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "auth.wrong-credentials");
        (await cms.ServersAsync()).Count.ShouldBe(2);

        await cms.ReauthenticateAsync();
        await (await cms.DeleteAsync(CmsRoutes.Server(standby.Id))).ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        await (await cms.DeleteAsync(CmsRoutes.Group(group.Id))).ShouldHaveStatusAsync(HttpStatusCode.NoContent);

        var left = (await cms.ServersAsync()).ShouldHaveSingleItem();
        left.Id.ShouldBe(recording.Id);
        left.GroupId.ShouldBeNull();
        left.Status.Detail.ShouldContain("not in a failover group");
        var rejoined = await cms.Http.PatchAsJsonAsync($"api/v1/servers/{recording.Id}", new EditServerRequest(GroupId: 1), ContractJson.Options);
        (await rejoined.Content.ReadFromJsonAsync<ServerView>(ContractJson.Options))!.GroupName.ShouldBe("Failover Group 1");
    }

    [Fact]
    public async Task A_recording_server_is_removed_without_reauthentication_and_edits_and_disabling_show()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var recording = await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording));

        var renamed = await cms.Http.PatchAsJsonAsync($"api/v1/servers/{recording.Id}", new EditServerRequest(Name: "Front door"), ContractJson.Options);
        (await renamed.Content.ReadFromJsonAsync<ServerView>(ContractJson.Options))!.Name.ShouldBe("Front door");
        var badName = await cms.Http.PatchAsJsonAsync($"api/v1/servers/{recording.Id}", new EditServerRequest(Name: "a|b"), ContractJson.Options);
        await badName.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server-name.forbidden-symbol");
        var moved = await cms.Http.PatchAsJsonAsync($"api/v1/servers/{recording.Id}",
            new EditServerRequest(Port: Agents.Recording2.BaseUrl.Port), ContractJson.Options);
        (await moved.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.different-agent")).ShouldContain("nothing was sent to it");
        var repaired = await cms.Http.PatchAsJsonAsync($"api/v1/servers/{recording.Id}",
            new EditServerRequest(Port: Agents.Recording2.BaseUrl.Port, Password: AgentsFixture.Password), ContractJson.Options);
        await repaired.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.different-agent");

        var disabled = await cms.PutAsync(CmsRoutes.ServerEnabled(recording.Id), new EnabledRequest(false));
        (await disabled.Content.ReadFromJsonAsync<ServerView>(ContractJson.Options))!.Status.Code.ShouldBe("disabled");

        await (await cms.DeleteAsync(CmsRoutes.Server(recording.Id))).ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        (await cms.ServersAsync()).ShouldBeEmpty();
        await (await cms.DeleteAsync(CmsRoutes.Server(recording.Id))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "server.not-found");
        var actions = (await cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={recording.Id}")).Events.Where(e => e.Kind == "operator").ToList();
        actions.Select(e => e.To).ShouldBe(["revoke credential", "delete server", "disable server", "edit server", "add server"], "refused changes leave no event");
        actions.ShouldAllBe(e => e.Actor == "admin");
    }

    [Fact]
    public async Task The_event_log_is_read_a_page_at_a_time_with_its_filters_applied_by_the_cms()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var recording = await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording));
        foreach (var name in new[] { "Door 1", "Door 2", "Door 3", "Door 4" })
        {
            (await cms.Http.PatchAsJsonAsync($"api/v1/servers/{recording.Id}", new EditServerRequest(Name: name), ContractJson.Options)).EnsureSuccessStatusCode();
        }

        var everything = (await cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={recording.Id}&kind=operator&limit=1000"));
        everything.Events.Count.ShouldBe(5, "one add and four edits");
        everything.Events.ShouldAllBe(e => e.Kind == "operator" && e.ServerId == recording.Id);
        everything.OlderBefore.ShouldBeNull("one page holds them all");

        // Two at a time, each page older than the last event of the one before, until the CMS says there is no older one.
        var paged = new List<EventView>();
        long? before = null;
        do
        {
            var page = await cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={recording.Id}&kind=operator&limit=2" + (before is { } b ? $"&before={b}" : ""));
            page.Events.Count.ShouldBeLessThanOrEqualTo(2);
            paged.AddRange(page.Events);
            before = page.OlderBefore;
        }
        while (before is not null);
        paged.Select(e => e.Id).ShouldBe(everything.Events.Select(e => e.Id), "the pages, in order, are the whole log, newest first, with nothing twice");

        await (await cms.Http.GetAsync(CmsRoutes.Events.TrimStart('/') + "?kind=smoke")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events.invalid-kind");
        await (await cms.Http.GetAsync(CmsRoutes.Events.TrimStart('/') + "?before=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events.invalid-before");
        await (await cms.Http.GetAsync(CmsRoutes.Events.TrimStart('/') + "?limit=1001")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events.invalid-limit");
    }

    [Fact]
    public async Task A_manual_failover_with_no_standby_waits_unprotected_is_logged_and_can_be_called_off()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var recording = await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording));

        (await cms.PostAsync(CmsRoutes.ServerFailover(recording.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var waiting = await Eventually.GetAsync(async () =>
            (await cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.FirstOrDefault(f => f.Phase == "assigning"),
            TimeSpan.FromSeconds(20), "the failover to wait for a standby");
        waiting.Note.ShouldContain("no ready standby in the group");
        waiting.Origin.ShouldBe("manual");
        await (await cms.PostAsync(CmsRoutes.ServerFailover(recording.Id), new { })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "failover.already-in-failover");
        await (await cms.DeleteAsync(CmsRoutes.Server(recording.Id))).ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.in-takeover");

        (await cms.PostAsync(CmsRoutes.ServerFailback(recording.Id), new { })).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var ended = await cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(recording.Id));
        ended.Phase.ShouldBe("completed");
        (await cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldBeEmpty();
        var events = (await cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={recording.Id}")).Events.Where(e => e.Kind != "health").ToList();
        events.Select(e => (e.Kind, e.To)).ShouldBe(
            [("failover", "completed"), ("operator", "failback"), ("failover", "assigning"), ("failover", "detected"), ("operator", "failover now"),
             ("operator", "add server")]);
        events.ShouldAllBe(e => e.Kind != "operator" || e.Actor == "admin");
        events.ShouldAllBe(e => e.ServerName == recording.Name);
        await (await cms.Http.GetAsync("api/v1/events?limit=0")).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "events.invalid-limit");
    }

    [Fact]
    public async Task Unauthenticated_and_wrongly_authenticated_calls_are_refused()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;

        foreach (var path in new[] { CmsRoutes.Servers, CmsRoutes.Groups, CmsRoutes.Status, CmsRoutes.Settings, CmsRoutes.OpenApi })
        {
            (await cms.Anonymous.GetAsync(path.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
        }

        using var forged = new HttpRequestMessage(HttpMethod.Get, CmsRoutes.Servers.TrimStart('/'));
        forged.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not-a-token");
        (await cms.Anonymous.SendAsync(forged)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var login = await cms.Anonymous.PostAsJsonAsync("api/v1/auth/session", new LoginRequest("admin", "wrong"), ContractJson.Options);
        await login.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "auth.wrong-credentials");
        (await cms.Anonymous.GetAsync(CmsRoutes.Live.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var openApi = await cms.Http.GetStringAsync(CmsRoutes.OpenApi.TrimStart('/'));
        openApi.ShouldContain("\"/api/v1/servers/batch\"");
    }

    [Fact]
    public async Task Malformed_and_oversized_requests_are_refused_and_nothing_is_stored()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;

        using var broken = new StringContent("{\"name\": ", Encoding.UTF8, "application/json");
        await (await cms.Http.PostAsync(CmsRoutes.Groups.TrimStart('/'), broken)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "request.malformed");
        using var wrongType = new StringContent("{\"groupId\": \"one\", \"role\": \"recording\"}", Encoding.UTF8, "application/json");
        await (await cms.Http.PostAsync(CmsRoutes.Servers.TrimStart('/'), wrongType)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "request.malformed");
        using var unknownRole = new StringContent("{\"groupId\": 1, \"role\": \"boss\", \"host\": \"x\", \"port\": 1, \"https\": false, \"password\": \"p\"}", Encoding.UTF8, "application/json");
        await (await cms.Http.PostAsync(CmsRoutes.Servers.TrimStart('/'), unknownRole)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "request.malformed");
        var huge = await cms.PostAsync(CmsRoutes.Groups, new GroupRequest(new string('g', 400_000)));
        await huge.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request.too-large");
        var longName = await cms.PostAsync(CmsRoutes.Groups, new GroupRequest(new string('g', 65)));
        await longName.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "group.name-too-long");
        var badHost = await cms.PostAsync(CmsRoutes.Servers, new AddServerRequest(1, ServerRoleName.Recording, "no host/", 80, false, "p"));
        await badHost.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "server.invalid-address");

        (await cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.Count.ShouldBe(1);
        (await cms.ServersAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Settings_are_validated_and_kept_with_the_inventory_across_a_restart()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var defaults = await cms.GetAsync<SettingsView>(CmsRoutes.Settings);
        defaults.ProbeIntervalMs.ShouldBe(1000);
        defaults.MissesBeforeFailure.ShouldBe(3);
        defaults.StabilisationSeconds.ShouldBe(10);
        defaults.RestoreRecordings.ShouldBeTrue();

        var tooFast = await cms.PutAsync(CmsRoutes.Settings, defaults with { ProbeIntervalMs = 10 });
        await tooFast.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "settings.probe-interval");
        var noUnreachable = await cms.PutAsync(CmsRoutes.Settings, defaults with { FailureConditions = ["space_failure"] });
        await noUnreachable.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "settings.failure-conditions");
        var changed = defaults with { ProbeIntervalMs = 500, ProbeTimeoutMs = 400, MissesBeforeFailure = 5, AutomaticFailback = false, FailureConditions = ["unreachable", "space_failure"] };
        await (await cms.PutAsync(CmsRoutes.Settings, changed)).ShouldHaveStatusAsync(HttpStatusCode.OK);
        var recording = await cms.AddAsync(AgentsFixture.Add(Agents.Recording1, ServerRoleName.Recording));

        await cms.RestartAsync();

        var kept = await cms.GetAsync<SettingsView>(CmsRoutes.Settings);
        kept.FailureConditions.ShouldBe(changed.FailureConditions);
        (kept with { FailureConditions = changed.FailureConditions }).ShouldBe(changed);
        var server = (await cms.ServersAsync()).ShouldHaveSingleItem();
        server.Id.ShouldBe(recording.Id);
        server.Cameras.Single().StreamUrl.ShouldBe("http://127.0.0.1:9/none");
        (await cms.GetAsync<GroupList>(CmsRoutes.Groups)).Groups.Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_https_agent_is_added_only_with_the_fingerprint_it_printed_confirmed_and_that_certificate_is_pinned()
    {
        var (database, cms) = await StartAsync();
        await using var _ = database;
        await using var __ = cms;
        var printed = AgentsFixture.PrintedFingerprint(Agents.SecureStandby);

        var unconfirmed = await cms.PostAsync(CmsRoutes.Servers, AgentsFixture.Add(Agents.SecureStandby, ServerRoleName.Standby) with { Fingerprint = null });
        (await unconfirmed.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.fingerprint-unconfirmed")).ShouldContain(printed);
        var standby = await cms.AddAsync(AgentsFixture.Add(Agents.SecureStandby, ServerRoleName.Standby));

        standby.CertificateFingerprint.ShouldNotBeNull().ShouldBe(printed);
        standby.Address.Https.ShouldBeTrue();
        await Eventually.UntilAsync(async () => (await cms.ServersAsync()).Single().Health.LastProbe is not null, TimeSpan.FromSeconds(15), "the https agent probed");
        (await cms.ServersAsync()).Single().Health.State.ShouldBe("healthy");
    }
}

[Collection(CmsTestGroup.Name)]
public sealed class SqliteCmsApiTests(AgentsFixture agents) : CmsApiContract(agents)
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.SqliteAsync();
}

[Collection(CmsTestGroup.Name)]
public sealed class PostgresCmsApiTests(AgentsFixture agents) : CmsApiContract(agents)
{
    protected override Task<TestDatabase> CreateDatabaseAsync() => TestDatabase.PostgresAsync();
}

using System.Text.Json;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Admin;

/// <summary>The <c>vigil</c> admin client, run as a real process against a real CMS paired with real agents.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class AdminClientTests(AgentsFixture agents) : IDisposable
{
    private readonly AdminCli _cli = new();

    [Fact]
    public async Task An_operator_adds_a_recording_server_and_a_standby_and_sees_them_protected_and_ready()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var url = cms.Process.BaseUrl.ToString();

        (await RunAsync("login", "--cms", url, "--user", "admin", "--password", CmsUnderTest.Password)).ShouldSucceed().ShouldContain("Logged in");
        (await RunAsync("group", "add", "Warehouse")).ShouldSucceed();
        (await RunAsync("server", "add", "--group", "Warehouse", "--role", "recording", "--host", "127.0.0.1",
            "--port", Port(agents.Recording1), "--plain-http", "--password", AgentsFixture.Password)).ShouldSucceed().ShouldContain("normal_unprotected");
        var printed = AgentsFixture.PrintedFingerprint(agents.SecureStandby);
        string[] addSecure = ["server", "add", "--group", "Warehouse", "--role", "standby", "--host", "127.0.0.1", "--port", Port(agents.SecureStandby),
            "--password", AgentsFixture.Password, "--name", "Standby TLS"];
        (await RunAsync(addSecure)).ShouldFail(1).ShouldContain($"repeat with --fingerprint {printed}");
        (await RunAsync([.. addSecure, "--fingerprint", printed])).ShouldSucceed().ShouldContain($"Pinned the agent's certificate {printed}");

        var list = JsonSerializer.Deserialize<ServerList>((await RunAsync("server", "list", "--json")).ShouldSucceed(), ContractJson.Options)!;
        list.Servers.Single(s => s.Role == ServerRoleName.Recording).Status.Code.ShouldBe("normal_protected");
        list.Servers.Single(s => s.Role == ServerRoleName.Standby).Status.Code.ShouldBe("normal_ready");
        var standbys = JsonSerializer.Deserialize<ServerList>((await RunAsync("server", "list", "--role", "standby", "--group", "Warehouse", "--json")).ShouldSucceed(), ContractJson.Options)!;
        standbys.Servers.ShouldHaveSingleItem().Name.ShouldBe("Standby TLS");
        var counts = JsonSerializer.Deserialize<StatusSummary>((await RunAsync("status", "--json")).ShouldSucceed(), ContractJson.Options)!;
        counts.Recording["normal_protected"].ShouldBe(1);
        counts.Standby["normal_ready"].ShouldBe(1);
        var status = (await RunAsync("status")).ShouldSucceed();
        status.ShouldContain("normal_protected");
        status.ShouldContain("on SQLite, running since", customMessage: "a single host says several need PostgreSQL");

        (await RunAsync("settings", "set", "misses-before-failure", "5")).ShouldSucceed().ShouldMatch(@"(?m)^misses-before-failure\s+5\s*$");
        (await RunAsync("server", "disable", "Standby TLS")).ShouldSucceed().ShouldContain("disabled");
        (await RunAsync("server", "delete", "Standby TLS", "--admin-password", CmsUnderTest.Password)).ShouldSucceed();
        (await RunAsync("server", "list")).ShouldSucceed().ShouldNotContain("Standby TLS");
    }

    [Fact]
    public async Task Refusals_exit_non_zero_with_the_problem_text_and_rule()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        (await RunAsync("group", "list")).ShouldFail(2).ShouldContain("Not logged in");
        (await RunAsync("login", "--cms", cms.Process.BaseUrl.ToString(), "--password", "wrong")).ShouldFail(1).ShouldContain("[auth.wrong-credentials]");
        (await RunAsync("login", "--cms", cms.Process.BaseUrl.ToString(), "--password", CmsUnderTest.Password)).ShouldSucceed();

        (await RunAsync("server", "add", "--group", "1", "--role", "standby", "--host", "127.0.0.1", "--port", Port(agents.Recording2), "--plain-http", "--password", AgentsFixture.Password))
            .ShouldFail(1).ShouldContain("A standby must have an empty camera list; this server has 1 camera(s). [standby.has-cameras]");
        (await RunAsync("group", "delete", "Failover Group 1", "--admin-password", CmsUnderTest.Password)).ShouldFail(1).ShouldContain("[group.default-undeletable]");
        (await RunAsync("server", "batch-add", "--group", "1", "--role", "recording", "--naming", "prefix-number", "--prefix", "Bad?",
            "--plain-http", "--password", AgentsFixture.Password, $"127.0.0.1:{Port(agents.Recording2)}")).ShouldFail(1).ShouldContain("[server.batch-refused]");
        (await RunAsync("settings", "set", "probe-interval-ms", "5")).ShouldFail(1).ShouldContain("[settings.probe-interval]");
        (await RunAsync("server", "show", "nobody")).ShouldFail(1).ShouldContain("No server is named or numbered 'nobody'");
        (await RunAsync("group", "list", "--json")).ShouldSucceed().ShouldContain("\"isDefault\": true");
    }

    [Fact]
    public async Task An_operator_fails_a_server_over_and_back_and_reads_what_happened()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        (await RunAsync("login", "--cms", cms.Process.BaseUrl.ToString(), "--password", CmsUnderTest.Password)).ShouldSucceed();
        (await RunAsync("server", "add", "--group", "1", "--role", "recording", "--host", "127.0.0.1", "--port", Port(agents.Recording1),
            "--plain-http", "--password", AgentsFixture.Password, "--name", "cli-rec")).ShouldSucceed();
        (await RunAsync("server", "add", "--group", "1", "--role", "standby", "--host", "127.0.0.1", "--port", Port(agents.Standby1),
            "--plain-http", "--password", AgentsFixture.Password, "--name", "cli-standby")).ShouldSucceed();

        (await RunAsync("failback", "cli-rec")).ShouldFail(1).ShouldContain("[failover.not-in-failover]");
        (await RunAsync("failover", "now", "cli-rec")).ShouldSucceed().ShouldContain("server:    cli-rec");
        await Eventually.UntilAsync(async () => (await RunAsync("restore", "status", "cli-rec")).Output.Contains("phase:     active", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the standby to take cli-rec over");
        (await RunAsync("server", "list")).ShouldSucceed().ShouldContain("abnormal_protected");
        (await RunAsync("failback", "cli-rec")).ShouldSucceed();
        var done = await Eventually.GetAsync(async () =>
        {
            var view = JsonSerializer.Deserialize<FailoverView>((await RunAsync("restore", "status", "cli-rec", "--json")).ShouldSucceed(), ContractJson.Options)!;
            return view.Phase == "completed" ? view : null;
        }, TimeSpan.FromSeconds(60), "failback to complete");
        done.Origin.ShouldBe("manual");
        (await RunAsync("restore", "stop", "cli-rec", "--confirm")).ShouldFail(1).ShouldContain("[failover.not-in-failover]");
        (await RunAsync("replace", "cli-rec", "--with", "cli-standby")).ShouldFail(1).ShouldContain("[failover.not-in-failover]");
        var events = (await RunAsync("events", "--server", "cli-rec")).ShouldSucceed();
        events.ShouldContain("failover now");
        events.ShouldMatch(@"cleaning\s+completed");
    }

    [Fact]
    public async Task An_administrator_adds_users_with_roles_and_a_user_changes_their_own_password()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);
        var url = cms.Process.BaseUrl.ToString();
        (await RunAsync("login", "--cms", url, "--password", CmsUnderTest.Password)).ShouldSucceed();

        (await RunWithInputAsync("otto-password\n", "user", "add", "otto", "--role", "operator", "--password-stdin")).ShouldSucceed().ShouldContain("'otto' (operator)");
        (await RunWithInputAsync("short\n", "user", "add", "vera", "--role", "viewer", "--password-stdin")).ShouldFail(1).ShouldContain("[auth.password-too-short]");
        (await RunWithInputAsync("vera-password\n", "user", "add", "vera", "--role", "viewer", "--password-stdin")).ShouldSucceed();
        (await RunAsync("user", "role", "vera", "operator")).ShouldSucceed().ShouldContain("'vera' (operator)");
        (await RunAsync("user", "delete", "admin")).ShouldFail(1).ShouldContain("[user.first-admin-protected]");
        (await RunAsync("user", "delete", "vera")).ShouldSucceed();
        var users = JsonSerializer.Deserialize<UserList>((await RunAsync("user", "list", "--json")).ShouldSucceed(), ContractJson.Options)!;
        users.Users.Select(u => (u.Name, u.Role)).ShouldBe([("admin", UserRoles.Administrator), ("otto", UserRoles.Operator)]);

        (await RunAsync("login", "--cms", url, "--user", "otto", "--password", "otto-password")).ShouldSucceed();
        (await RunAsync("settings", "set", "misses-before-failure", "5")).ShouldFail(1).ShouldContain("[auth.role-forbidden]");
        (await RunWithInputAsync("otto-password\notto-new-password\n", "password", "--password-stdin")).ShouldSucceed();
        (await RunAsync("status")).ShouldSucceed("the new session was saved");
        (await RunAsync("login", "--cms", url, "--user", "otto", "--password", "otto-password")).ShouldFail(1).ShouldContain("[auth.wrong-credentials]");
        (await RunAsync("login", "--cms", url, "--user", "otto", "--password", "otto-new-password")).ShouldSucceed();
    }

    public void Dispose() => _cli.Dispose();

    private static string Port(VigilProcess agent) => agent.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private Task<CliRun> RunAsync(params string[] arguments) => _cli.RunAsync(arguments);

    private Task<CliRun> RunWithInputAsync(string input, params string[] arguments) => _cli.RunWithInputAsync(input, arguments);
}

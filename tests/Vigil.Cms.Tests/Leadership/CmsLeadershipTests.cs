using System.Diagnostics;
using System.Net;
using Npgsql;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Leadership;

/// <summary>Two real <c>vigil cms</c> processes on one real PostgreSQL database, and a real agent.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class CmsLeadershipTests
{
    [Fact]
    public async Task A_standby_host_forwards_the_API_to_the_leader_then_leads_when_the_leader_is_killed_with_the_agents_credentials()
    {
        await using var database = await TestDatabase.PostgresAsync();
        await using var first = await CmsUnderTest.StartAsync(database);
        await using var second = await CmsUnderTest.StartAsync(database);
        await using var agent = await StandbyAgent.StartAsync();
        var hosts = await first.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        Assert.Equal(CmsHostsView.Lease, hosts.Mode);
        Assert.Equal(hosts.ThisHost, hosts.Leader?.HostId);
        Assert.Equal(2, hosts.Hosts.Count);
        var server = await first.AddAsync(AgentsFixture.Add(agent.Process, ServerRoleName.Standby));

        // The standby answers who leads itself, and passes the rest to the leader: reads, changes and the live stream.
        var seenBySecond = await second.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        Assert.Equal(hosts.ThisHost, seenBySecond.Leader?.HostId);
        Assert.NotEqual(seenBySecond.ThisHost, seenBySecond.Leader?.HostId);
        Assert.Equal(server.Id, Assert.Single(await second.ServersAsync()).Id);
        var added = await second.PostAsync(CmsRoutes.Groups, new GroupRequest("Added through the standby"));
        await added.ShouldHaveStatusAsync(HttpStatusCode.Created);
        Assert.Contains((await first.GetAsync<GroupList>(CmsRoutes.Groups)).Groups, g => g.Name == "Added through the standby");
        await ShouldStreamAsync(second);

        var killedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        await first.Process.KillAsync();
        await Eventually.UntilAsync(async () => (await second.GetAsync<CmsHostsView>(CmsRoutes.Hosts)).Leader?.HostId == seenBySecond.ThisHost,
            TimeSpan.FromSeconds(20), "the standby host to lead after the leader's SIGKILL (3.5 s at most, and the new leader's start: ./bench measures it)");
        var replacedIn = clock.Elapsed;

        var after = await second.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        Assert.Equal(after.ThisHost, after.Leader?.HostId);
        Assert.Equal(hosts.Leader!.Generation + 1, after.Leader!.Generation);

        // The new leader probes the agent with the credential the first host stored: the key ring is shared.
        await Eventually.UntilAsync(async () =>
            {
                var view = await second.GetAsync<ServerView>(CmsRoutes.Server(server.Id));
                return view.Health.LastProbe > killedAt && view.Health.State == "healthy" && view.Health.Access is null;
            },
            TimeSpan.FromSeconds(10), "the new leader to probe the agent with the shared credential");
        var events = await second.GetAsync<EventList>($"{CmsRoutes.Events}?kind=leader");
        Assert.Contains(events.Events, e => e.To == "cms-under-test" && e.Reason.Contains($"generation {after.Leader.Generation}", StringComparison.Ordinal));
        Console.WriteLine($"standby host led {replacedIn.TotalSeconds:0.00} s after the leader's SIGKILL");
    }

    /// <summary>Whether <paramref name="cms"/> leads, as a load balancer asks: a standby answers the API too now, by passing it on.</summary>
    private static async Task<bool> LeadsAsync(CmsUnderTest cms) =>
        (await cms.Anonymous.GetAsync(CmsRoutes.LiveLeader.TrimStart('/'))).IsSuccessStatusCode;

    /// <summary>The console's live stream, read through <paramref name="cms"/> until its first event.</summary>
    private static async Task ShouldStreamAsync(CmsUnderTest cms)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await cms.Http.GetAsync(CmsRoutes.Updates.TrimStart('/'), HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        while (await reader.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail("The live stream ended before its first event.");
    }

    [Fact]
    public async Task A_leader_paused_past_its_lease_stops_acting_when_it_resumes_and_exits_to_restart_as_a_standby()
    {
        await using var database = await TestDatabase.PostgresAsync();
        await using var first = await CmsUnderTest.StartAsync(database);
        await using var second = await CmsUnderTest.StartAsync(database);
        await using var agent = await StandbyAgent.StartAsync();
        var server = await first.AddAsync(AgentsFixture.Add(agent.Process, ServerRoleName.Standby));
        var pausedAt = DateTimeOffset.UtcNow;
        FailoverSite.Signal(first.Process, "STOP");
        try
        {
            await Eventually.UntilAsync(async () => await LeadsAsync(second),
                TimeSpan.FromSeconds(20), "the standby host to lead while the leader is paused");

            // Its first probe carries its term: from then on the agent refuses the paused leader's takeover commands.
            await Eventually.UntilAsync(async () => (await second.GetAsync<ServerView>(CmsRoutes.Server(server.Id))).Health.LastProbe > pausedAt,
                TimeSpan.FromSeconds(10), "the new leader to probe the agent");
        }
        finally
        {
            FailoverSite.Signal(first.Process, "CONT");
        }

        (await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(15))).ShouldBe(75, "75: systemd's Restart=on-failure starts it again, as a standby");
        first.Process.Output.ShouldContain("no longer leads");
        first.Process.Output.ShouldNotContain("This CMS host leads (lease generation 2");
        var hosts = await second.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        hosts.Leader!.HostId.ShouldBe(hosts.ThisHost);
        hosts.Leader.Generation.ShouldBe(2);
    }

    [Fact]
    public async Task A_leader_cut_from_PostgreSQL_stops_acting_within_its_lease_and_a_host_that_reaches_it_leads()
    {
        await using var database = await TestDatabase.PostgresAsync();
        var direct = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        await using var relay = new TcpRelay(new IPEndPoint(IPAddress.Loopback, direct.Port));
        await using var first = await CmsUnderTest.StartAsync(new Relayed(new NpgsqlConnectionStringBuilder(database.ConnectionString) { Port = relay.Port }.ConnectionString));
        await using var second = await CmsUnderTest.StartAsync(database);
        var hosts = await first.GetAsync<CmsHostsView>(CmsRoutes.Hosts);
        hosts.Leader!.HostId.ShouldBe(hosts.ThisHost);

        // A partition, not a refusal: the leader's connections hang, which only the term's own timer can end.
        relay.Blackhole();
        var clock = Stopwatch.StartNew();
        await Eventually.UntilAsync(() => Task.FromResult(first.Process.Output.Contains("no longer leads", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10), "the leader cut from PostgreSQL to stop acting");
        var stoppedAfter = clock.Elapsed;
        await Eventually.UntilAsync(async () => await LeadsAsync(second),
            TimeSpan.FromSeconds(20), "the host that reaches PostgreSQL to lead");
        var ledAfter = clock.Elapsed;
        (await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(75);
        Console.WriteLine($"cut from PostgreSQL: the leader stopped acting after {stoppedAfter.TotalSeconds:0.00} s, the other host led after {ledAfter.TotalSeconds:0.00} s");
        stoppedAfter.ShouldBeLessThan(ledAfter, "the old leader stops before the new one begins");
    }

    [Fact]
    public async Task The_admin_client_given_both_hosts_goes_past_the_standby_and_past_a_killed_leader()
    {
        await using var database = await TestDatabase.PostgresAsync();
        await using var first = await CmsUnderTest.StartAsync(database, https: true);
        await using var second = await CmsUnderTest.StartAsync(database, https: true);
        using var cli = new AdminCli();
        string Fingerprint(CmsUnderTest cms) => cms.Process.Find(@"fingerprint: (\S+)")!;

        // The standby first: it signs in (sessions are in the shared database), then the client moves past its 503.
        (await cli.RunAsync("login", "--cms", $"{second.Process.BaseUrl},{first.Process.BaseUrl}",
            "--fingerprint", $"{Fingerprint(second)},{Fingerprint(first)}", "--password", CmsUnderTest.Password)).ShouldSucceed()
            .ShouldContain("When it stops answering, later commands go to");
        (await cli.RunAsync("group", "add", "Hall")).ShouldSucceed();
        (await cli.RunAsync("status")).ShouldSucceed().ShouldContain("lease generation 1; standby: cms-under-test");

        // Over https the standby passes a request on to the certificate the leader published with its lease.
        Assert.Contains((await second.GetAsync<GroupList>(CmsRoutes.Groups)).Groups, g => g.Name == "Hall");

        await first.Process.KillAsync();
        await Eventually.UntilAsync(async () => await LeadsAsync(second),
            TimeSpan.FromSeconds(20), "the standby host to lead");
        (await cli.RunAsync("group", "list")).ShouldSucceed().ShouldContain("Hall");
        (await cli.RunAsync("status")).ShouldSucceed().ShouldContain("lease generation 2");
    }

    [Fact]
    public async Task A_leader_stopped_gracefully_exits_cleanly_and_gives_its_lease_to_the_standby()
    {
        await using var database = await TestDatabase.PostgresAsync();
        await using var first = await CmsUnderTest.StartAsync(database);
        await using var second = await CmsUnderTest.StartAsync(database);

        FailoverSite.Signal(first.Process, "TERM");

        (await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, "systemctl stop is not a failure");
        first.Process.Output.ShouldContain("Gave up the leader's lease");
        await Eventually.UntilAsync(async () => await LeadsAsync(second),
            TimeSpan.FromSeconds(20), "the standby host to lead");
    }

    [Fact]
    public async Task A_lone_host_on_SQLite_leads_from_its_start()
    {
        await using var database = await TestDatabase.SqliteAsync();
        await using var cms = await CmsUnderTest.StartAsync(database);

        var hosts = await cms.GetAsync<CmsHostsView>(CmsRoutes.Hosts);

        Assert.Equal(CmsHostsView.SingleHost, hosts.Mode);
        Assert.Equal(hosts.ThisHost, hosts.Leader?.HostId);
        Assert.Null(hosts.Leader?.ExpiresAt);
        Assert.Single(hosts.Hosts);

        // A second host on the same SQLite database would lead as well: it is refused, and told what several hosts need.
        await using var second = VigilProcess.Launch(["cms", "--data", cms.DataDirectory, "--urls", "http://127.0.0.1:0", "--name", "second"]);
        (await second.WaitForExitAsync(TimeSpan.FromSeconds(60))).ShouldBe(1);
        second.Output.ShouldContain("several CMS hosts need PostgreSQL (--database)");
        (await cms.GetAsync<CmsHostsView>(CmsRoutes.Hosts)).Leader!.Name.ShouldBe("cms-under-test");
    }

    /// <summary>The same database reached another way (through a <see cref="TcpRelay"/>); dropped with the original.</summary>
    private sealed class Relayed(string connectionString) : TestDatabase
    {
        public override string? ConnectionString => connectionString;

        public override string Engine => "PostgreSQL";

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A real agent in a folder of its own, stopped and its folder deleted on dispose.</summary>
    private sealed class StandbyAgent(VigilProcess process, string data) : IAsyncDisposable
    {
        public VigilProcess Process => process;

        public static async Task<StandbyAgent> StartAsync()
        {
            var data = Directory.CreateTempSubdirectory("vigil-ha-agent-").FullName;
            try
            {
                return new StandbyAgent(
                    await VigilProcess.StartAsync(["agent", "--data", data, "--urls", "http://127.0.0.1:0", "--name", "standby-ha"],
                        new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password }),
                    data);
            }
            catch
            {
                Directory.Delete(data, recursive: true);
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await process.DisposeAsync();
            Directory.Delete(data, recursive: true);
        }
    }
}

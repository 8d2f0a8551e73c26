using System.Diagnostics;
using System.Globalization;
using Vigil.Bench.Measurement;
using Vigil.Bench.Report;
using Vigil.Bench.Site;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// Two CMS hosts on one real PostgreSQL database (the one <c>./bench</c> starts on loopback), a camera simulator, a
/// recording agent and a standby, all real processes. Leader trials SIGKILL the leading host, graceful trials stop it
/// with SIGTERM, and both time the standby host until it leads (its <c>live/leader</c> check answers 200); double
/// trials SIGKILL the leader and the recording agent (with its ffmpeg) at the same moment and time the standby agent's
/// first segment. The stopped processes are started again after each trial, the CMS host as the new standby.
/// </summary>
public sealed class CmsLeaderScenario : IScenario
{
    public const string PostgresVariable = "VIGIL_TEST_POSTGRES";
    private const string CmsPassword = "bench-cms-password";

    public string Name => "cms-leader";

    public string Title => "CMS leader failover: two CMS hosts on PostgreSQL";

    public int Order => 24;

    public async Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var postgres = Environment.GetEnvironmentVariable(PostgresVariable)
            ?? throw new InvalidOperationException($"{PostgresVariable} is not set: ./bench starts PostgreSQL on loopback and sets it.");
        var leaderTrials = options.Quick ? 3 : 12;
        var doubleTrials = options.Quick ? 1 : 5;
        await using var site = await RealSite.StartAsync(cameras: 1, cancellationToken);
        await using var hosts = new CmsPair(site.Root, postgres);
        await hosts.StartAsync(cancellationToken);
        var recording = await site.StartAgentAsync("rec", 1);
        var standby = await site.StartAgentAsync("standby");
        var (leader, _) = await hosts.LeaderAsync(cancellationToken);
        var rec = await Add(leader, recording, ServerRoleName.Recording, cancellationToken);
        var sb = await Add(leader, standby, ServerRoleName.Standby, cancellationToken);

        var leaderTimes = new List<double>();
        for (var i = 1; i <= leaderTrials; i++)
        {
            leaderTimes.Add(await hosts.StopLeaderAsync(graceful: false, cancellationToken));
            options.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  leader trial {i}/{leaderTrials}: the standby host led {leaderTimes[^1]:0.00} s after the leader's SIGKILL"));
            await hosts.RestartKilledAsync(cancellationToken);
        }

        var gracefulTimes = new List<double>();
        for (var i = 1; i <= leaderTrials; i++)
        {
            gracefulTimes.Add(await hosts.StopLeaderAsync(graceful: true, cancellationToken));
            options.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  graceful trial {i}/{leaderTrials}: the standby host led {gracefulTimes[^1]:0.00} s after the leader's SIGTERM"));
            await hosts.RestartKilledAsync(cancellationToken);
        }

        var doubleTimes = new List<double>();
        for (var i = 1; i <= doubleTrials; i++)
        {
            (leader, _) = await hosts.LeaderAsync(cancellationToken);
            await WaitStatusAsync(leader, rec.Id, "normal_protected", cancellationToken);
            await WaitStatusAsync(leader, sb.Id, "normal_ready", cancellationToken);
            var before = site.Segments("standby", "failover").Count;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(recording.KillTreeAsync(), hosts.KillLeaderProcessAsync());
            await Eventually.UntilAsync(() => site.Segments("standby", "failover").Count > before, TimeSpan.FromSeconds(60), "the standby agent's first segment");
            doubleTimes.Add(clock.Elapsed.TotalSeconds);
            options.Log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  double trial {i}/{doubleTrials}: the standby agent recorded {doubleTimes[^1]:0.00} s after the SIGKILL of the leader and the recording server"));
            await hosts.RestartKilledAsync(cancellationToken);
            recording = await site.StartAgentAsync("rec");
            (leader, _) = await hosts.LeaderAsync(cancellationToken);
            await Eventually.UntilAsync(async () => (await leader.GetAsync<FailoverList>(CmsRoutes.Failovers, cancellationToken)).Failovers.Count == 0,
                TimeSpan.FromSeconds(180), "failback and restore to complete");
        }

        var leaderSummary = Summary.Of(leaderTimes);
        File.WriteAllText(Path.Combine(options.PlotDirectory, "cms-leader.svg"),
            SvgChart.Distribution("Leader SIGKILL → the standby CMS host leads", "seconds", leaderTimes, ("target 5 s", 5)));
        return new ScenarioResult(
            [
                new Figure("leader SIGKILL → standby CMS host leading", "s", leaderTimes, "≤ 5 s (median and p99 over ≥ 10 trials)",
                    leaderSummary.P99 <= 5 && leaderTimes.Count >= 10,
                    "Per trial, from the SIGKILL of the leading `vigil cms` to the standby host's first 200 answer to `GET /api/v1/live/leader` (polled every 50 ms), which it gives once it holds the lease and acts (a standby answers the rest of the API too, by passing it on). Bound: a lease of 3 s renewed every second, looked for every 0.5 s: 3.5 s at most, plus the new leader's start."),
                new Figure("leader SIGTERM (systemctl stop) → standby CMS host leading", "s", gracefulTimes, "measured (no target)", null,
                    "Per trial, from the SIGTERM of the leading `vigil cms` to the standby host's first 200 answer to `GET /api/v1/live/leader`. A stopping leader gives its lease up at once, so the standby takes it at its next look (every 0.5 s) instead of after the 3 s lease, plus the new leader's start."),
                new Figure("leader and recording server SIGKILL → first standby segment", "s", doubleTimes, "measured (no target)", null,
                    "Per trial, both killed at the same moment: the standby host takes the lease, starts probing with no history, counts the recording server's 3 missed probes at 1 s, opens the failover and commands the takeover; the time ends at the standby agent's first segment file. About the lease (≤ 3.5 s) plus a failover from the new leader's first probe (about 2.5 s: a dead server's probes fail at once)."),
            ],
            [new Plot("cms-leader.svg", "Leader SIGKILL → standby CMS host leading, per trial, sorted")],
            ["Two `vigil cms` hosts on one PostgreSQL 15 database on 127.0.0.1 (default settings: 1 s probes, 3 misses, lease 3 s renewed every 1 s), one camera, one recording agent, one standby agent, all real processes; the killed host is started again as the standby after each trial."]);
    }

    private static Task<ServerView> Add(CmsSession cms, VigilProcess agent, ServerRoleName role, CancellationToken cancellationToken) =>
        cms.SendAsync<ServerView>(HttpMethod.Post, CmsRoutes.Servers,
            new AddServerRequest(1, role, agent.BaseUrl.Host, agent.BaseUrl.Port, false, RealSite.AgentPassword), cancellationToken);

    private static Task WaitStatusAsync(CmsSession cms, int server, string status, CancellationToken cancellationToken) =>
        Eventually.UntilAsync(async () => (await cms.GetAsync<ServerView>(CmsRoutes.Server(server), cancellationToken)).Status.Code == status,
            TimeSpan.FromSeconds(120), $"server {server} to be {status}");

    private sealed record Leading(CmsSession Session, int Index)
    {
        public void Deconstruct(out CmsSession session, out int index) => (session, index) = (Session, Index);
    }

    /// <summary>The two CMS hosts: each in its own data directory, on the same database.</summary>
    private sealed class CmsPair(string root, string postgres) : IAsyncDisposable
    {
        private readonly VigilProcess?[] _hosts = new VigilProcess?[2];
        private int _killed = -1;

        public async Task StartAsync(CancellationToken cancellationToken)
        {
            _hosts[0] = await StartHostAsync(0);
            await LeaderAsync(cancellationToken);
            _hosts[1] = await StartHostAsync(1);
        }

        public async Task<Leading> LeaderAsync(CancellationToken cancellationToken) =>
            await Eventually.GetAsync<Leading>(async () =>
            {
                for (var i = 0; i < _hosts.Length; i++)
                {
                    if (_hosts[i] is not { HasExited: false } host)
                    {
                        continue;
                    }

                    var session = await CmsSession.SignInAsync(host.BaseUrl, CmsPassword, cancellationToken);
                    var view = await session.GetAsync<CmsHostsView>(CmsRoutes.Hosts, cancellationToken);
                    if (view.Leader?.HostId == view.ThisHost)
                    {
                        return new Leading(session, i);
                    }

                    session.Dispose();
                }

                return null;
            }, TimeSpan.FromSeconds(30), "a CMS host to lead");

        /// <summary>SIGKILLs the leader, or stops it with SIGTERM, and returns how long the other host took to lead.</summary>
        public async Task<double> StopLeaderAsync(bool graceful, CancellationToken cancellationToken)
        {
            var (session, index) = await LeaderAsync(cancellationToken);
            session.Dispose();
            var other = _hosts[1 - index]!;
            using var probe = new HttpClient { BaseAddress = other.BaseUrl, Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            var stopped = graceful ? TerminateAsync(index) : KillAsync(index);
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                try
                {
                    // Asked as a load balancer asks: a standby answers the rest of the API too, by passing it to the leader.
                    using var answer = await probe.GetAsync(CmsRoutes.LiveLeader.TrimStart('/'), cancellationToken);
                    if (answer.IsSuccessStatusCode)
                    {
                        var led = clock.Elapsed.TotalSeconds;
                        await stopped;
                        return led;
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }

            throw new TimeoutException($"The standby CMS host did not lead within 30 s of the leader's {(graceful ? "SIGTERM" : "SIGKILL")}.");
        }

        public async Task KillLeaderProcessAsync() => await KillAsync((await LeaderAsync(CancellationToken.None)).Index);

        public async Task RestartKilledAsync(CancellationToken cancellationToken)
        {
            _hosts[_killed] = await StartHostAsync(_killed);
            await LeaderAsync(cancellationToken);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var host in _hosts)
            {
                if (host is not null)
                {
                    await host.DisposeAsync();
                }
            }
        }

        private async Task KillAsync(int index)
        {
            _killed = index;
            await _hosts[index]!.KillAsync();
            await _hosts[index]!.DisposeAsync();
        }

        private async Task TerminateAsync(int index)
        {
            _killed = index;
            await _hosts[index]!.TerminateAsync();
            await _hosts[index]!.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await _hosts[index]!.DisposeAsync();
        }

        private Task<VigilProcess> StartHostAsync(int index) => VigilProcess.StartAsync(
            ["cms", "--data", Path.Combine(root, $"cms-{index}"), "--urls", "http://127.0.0.1:0", "--database", postgres, "--name", $"cms-{index}"],
            new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = CmsPassword });
    }
}

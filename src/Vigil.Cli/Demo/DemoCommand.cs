using System.CommandLine;
using System.Globalization;
using Vigil.Cli.Admin;
using Vigil.Contracts.Cms;
using Vigil.Contracts;
using Vigil.Hosting;
using Vigil.Hosting.Updates;

namespace Vigil.Cli.Demo;

/// <summary>
/// <c>vigil demo</c>: a whole site on this machine (see <see cref="DemoSite"/>), added to "Failover Group 1",
/// then the event log as it happens until Ctrl-C, which stops everything the demo started. From a source tree the
/// CMS runs one patch ahead of the agents, which are installed so they can update themselves, and a publisher key
/// is made for the CMS to trust: the README's update walkthrough runs on it. As root a standby waits on a LAN of
/// the demo's own (<see cref="DemoLan"/>) to be found with a search and added.
/// <c>vigil demo kill NAME</c> and <c>vigil demo start NAME</c> pull a server's plug and bring it back.
/// </summary>
internal static class DemoCommand
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    public static Command Create()
    {
        var directory = new Option<string>("--dir") { Description = "Where the demo keeps its data and logs", DefaultValueFactory = _ => DemoSite.DefaultDirectory };
        var port = new Option<int>("--port") { Description = "First of the loopback ports the demo uses (it uses this one to +80)", DefaultValueFactory = _ => 7100 };
        var name = new Argument<string>("server") { Description = $"rec-1 … rec-3, standby-1, standby-2, {DemoSite.LanAgentName} (as root), cms or camsim" };
        var kill = new Command("kill", "Pull the plug on one of the demo's servers (SIGKILL)") { name, directory };
        kill.SetAction(result => Kill(result.GetValue(directory)!, result.GetValue(name)!));
        var start = new Command("start", "Bring one of the demo's servers back") { name, directory };
        start.SetAction((result, cancellationToken) => StartAsync(result.GetValue(directory)!, result.GetValue(name)!, cancellationToken));
        var command = new Command("demo", "Run a CMS, 3 recording servers, 2 standbys and a camera simulator on this machine") { directory, port, kill, start };
        command.SetAction((result, cancellationToken) => RunAsync(result.GetValue(directory)!, result.GetValue(port), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string directory, int port, CancellationToken cancellationToken)
    {
        var site = DemoSite.Create(directory, port);
        try
        {
            site = await PrepareAsync(site, cancellationToken).ConfigureAwait(false);
            string[] all = ["camsim", "cms", .. site.Agents];
            Say($"Starting the camera simulator, the CMS and {site.Agents.Count} agents (logs in {Path.Combine(site.Directory, "logs")})");
            foreach (var name in all)
            {
                site.Start(name);
            }

            await WaitLiveAsync(site.CamSimUrl + "/cam/1", cancellationToken).ConfigureAwait(false);
            await WaitLiveAsync(site.CmsUrl + CmsRoutes.Live, cancellationToken).ConfigureAwait(false);
            foreach (var agent in site.Agents)
            {
                await WaitLiveAsync($"{site.AgentUrl(agent)}/api/v1/live", cancellationToken, () => site.AgentFingerprint(agent)).ConfigureAwait(false);
            }

            using var client = await SignInAsync(site).ConfigureAwait(false);
            await AddServersAsync(site, client).ConfigureAwait(false);
            PrintBanner(site, directory);
            await FollowEventsAsync(client, cancellationToken).ConfigureAwait(false);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception e) when (e is CliFailure or InvalidOperationException or IOException)
        {
            await Console.Error.WriteLineAsync($"vigil demo: {e.Message} (logs in {Path.Combine(site.Directory, "logs")})").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            Say("Stopping everything the demo started");
            foreach (var name in site.Agents.Reverse().Concat(["cms", "camsim"]))
            {
                site.Kill(name);
            }

            // The LAN is removed even when the site did not get to record it (a failure while preparing).
            if (DemoLan.Unavailable() is null)
            {
                DemoLan.For(site.BasePort).Remove();
            }
        }
    }

    /// <summary>The keys, the programs and the LAN, before anything starts; the site as <c>vigil demo kill|start</c> will read it.</summary>
    private static async Task<DemoSite> PrepareAsync(DemoSite site, CancellationToken cancellationToken)
    {
        DemoPrograms.MakeKeys(site.Directory);
        if (DemoLan.Unavailable() is { } why)
        {
            Say($"No LAN of the demo's own, so nothing for a search to find: {why}");
        }
        else
        {
            site = site with { Lan = DemoLan.For(site.BasePort) };
            Say($"Making the demo's LAN (network namespace {site.Lan!.Namespace}, {site.Lan.HostAddress} here, {DemoSite.LanAgentName} at {site.Lan.ServerAddress})");
            site.Lan.Create();
        }

        var agentVersion = UpdateVersions.Format(VigilVersion.Current);
        if (SourceBuild.RepositoryRoot() is not { } source)
        {
            Say("This vigil is installed, not built from a source tree: the agents run it as it is, with no newer version to update to");
            site.Save();
            return site;
        }

        var cmsVersion = DemoPrograms.NextPatch(VigilVersion.Current);
        Say($"Building vigil {cmsVersion} for the CMS, one patch ahead of the agents' {agentVersion}, so there is an update to show (a minute or two the first time)");
        var cmsProgram = await SourceBuild.PublishAsync(source, cmsVersion, cancellationToken).ConfigureAwait(false);
        DemoPrograms.InstallAgents(site.Directory, agentVersion, site.Agents);
        site = site with { CmsProgram = cmsProgram, AgentVersion = agentVersion };
        site.Save();
        return site;
    }

    private static int Kill(string directory, string name)
    {
        var site = DemoSite.Load(directory);
        if (site is null || !site.Knows(name))
        {
            Console.Error.WriteLine(site is null ? $"vigil demo: no demo runs in {directory}." : $"vigil demo: '{name}' is not one of the demo's servers.");
            return 2;
        }

        Console.Out.WriteLine(site.Kill(name) ? $"{name}: killed (SIGKILL)." : $"{name}: was not running.");
        return 0;
    }

    private static async Task<int> StartAsync(string directory, string name, CancellationToken cancellationToken)
    {
        var site = DemoSite.Load(directory);
        if (site is null || !site.Knows(name))
        {
            await Console.Error.WriteLineAsync(site is null ? $"vigil demo: no demo runs in {directory}." : $"vigil demo: '{name}' is not one of the demo's servers.")
                .ConfigureAwait(false);
            return 2;
        }

        if (site.RunningProcess(name) is { } running)
        {
            running.Dispose();
            Console.Out.WriteLine($"{name}: already running.");
            return 0;
        }

        var pid = site.Start(name);
        await Console.Out.WriteLineAsync($"{name}: started (pid {pid}).").ConfigureAwait(false);
        return 0;
    }

    private static async Task<CmsClient> SignInAsync(DemoSite site)
    {
        using var anonymous = new CmsClient(new Uri(site.CmsUrl), null, null);
        var login = await anonymous.SendAsync<LoginResponse>(HttpMethod.Post, CmsRoutes.Login, new LoginRequest("admin", site.CmsPassword)).ConfigureAwait(false);
        return new CmsClient(new Uri(site.CmsUrl), login.Token, null);
    }

    private static async Task AddServersAsync(DemoSite site, CmsClient client)
    {
        // The demo's spaces live in a temporary folder; a standby needs less free room there than in production.
        var settings = await client.GetAsync<SettingsView>(CmsRoutes.Settings).ConfigureAwait(false);
        await client.SendAsync(HttpMethod.Put, CmsRoutes.Settings, settings with { StandbyMinimumFreeBytes = 100L * 1024 * 1024 }).ConfigureAwait(false);
        var group = (await client.GetAsync<GroupList>(CmsRoutes.Groups).ConfigureAwait(false)).Groups.Single(g => g.IsDefault);
        foreach (var name in DemoSite.AgentNames)
        {
            var role = name.StartsWith("rec-", StringComparison.Ordinal) ? ServerRoleName.Recording : ServerRoleName.Standby;
            var fingerprint = site.AgentFingerprint(name) ?? throw new CliFailure($"{name} printed no certificate fingerprint (see its log).");
            await client.SendAsync<ServerView>(HttpMethod.Post, CmsRoutes.Servers,
                new AddServerRequest(group.Id, role, "127.0.0.1", site.AgentPort(name), true, site.AgentPassword, name, fingerprint)).ConfigureAwait(false);
            Say($"Trusted {name}'s certificate {fingerprint}, as it printed it at start");
        }
    }

    private static void PrintBanner(DemoSite site, string directory)
    {
        var dir = directory == DemoSite.DefaultDirectory ? string.Empty : $" --dir {directory}";
        Console.Out.WriteLine($"""

            Vigil demo is running.
              web console:    {site.CmsUrl}/   (open it in a browser)
              CMS API:        {site.CmsUrl}{CmsRoutes.Prefix}
              sign in:        user admin, password {site.CmsPassword}
                              ./run login --cms {site.CmsUrl} --password {site.CmsPassword}
              servers:        rec-1, rec-2, rec-3 (2 cameras each), standby-1, standby-2 in "Failover Group 1"
              agents' admin password: {site.AgentPassword}

            Pull the plug on a recording server and watch a standby take its cameras within seconds:
                ./run demo kill rec-1{dir}
            Bring it back; after 10 s of good health it records again, the standby hands back and copies the outage home:
                ./run demo start rec-1{dir}
            Watch it in the web console, or:  ./run server list    ./run restore status rec-1    ./run events
            {UpdateLines(site)}{SearchLines(site)}
            Events follow. Ctrl-C stops everything.

            """);
    }

    private static string UpdateLines(DemoSite site)
    {
        if (site.CmsProgram is null || site.AgentVersion is null)
        {
            return string.Empty;
        }

        var next = DemoPrograms.NextPatch(Version.Parse(site.AgentVersion));
        return $"""

            The agents run vigil {site.AgentVersion}, the CMS {next}. Update them (README, "Try it in the demo"):
                ./package --version {next} --key {DemoPrograms.PrivateKey(site.Directory)}
                ./run server update rec-1 --file artifacts/packages/vigil-update_{next}.vup --wait

            """;
    }

    private static string SearchLines(DemoSite site) => site.Lan is null
        ? string.Empty
        : $"""

            {DemoSite.LanAgentName} waits on the demo's LAN to be found and added (as a standby; its certificate: {site.AgentFingerprint(DemoSite.LanAgentName)}):
                ./run server search

            """;

    private static async Task FollowEventsAsync(CmsClient client, CancellationToken cancellationToken)
    {
        long last = 0;
        while (true)
        {
            var events = await client.GetAsync<EventList>($"{CmsRoutes.Events}?limit=200").ConfigureAwait(false);
            foreach (var e in events.Events.Where(e => e.Id > last).OrderBy(e => e.Id))
            {
                var change = e.From.Length > 0 ? $"{e.From} -> {e.To}" : e.To;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{e.At.ToLocalTime():HH:mm:ss}  {e.ServerName,-10} {e.Kind,-8} {change,-28} {e.Reason}"));
                last = e.Id;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <param name="fingerprint">Over https, the certificate fingerprint the process printed at start (null until it has).</param>
    private static async Task WaitLiveAsync(string url, CancellationToken cancellationToken, Func<string?>? fingerprint = null)
    {
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && fingerprint?.Invoke() is { } printed && SelfSignedCertificate.Fingerprint(certificate) == printed;
        using var http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = TimeProvider.System.GetUtcNow() + StartDeadline;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(new Uri(url), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                throw new CliFailure($"{url} did not answer within {StartDeadline.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Say(string message) => Console.Error.WriteLine($"==> {message}");
}

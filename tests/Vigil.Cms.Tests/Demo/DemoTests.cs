using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Vigil.Cms.Tests.Support;
using Vigil.Testing;
using Vigil.Testing.Network;
using Vigil.Testing.Updates;

namespace Vigil.Cms.Tests.Demo;

/// <summary>
/// The README's first command, as a newcomer runs it: <c>vigil demo</c> starts a whole site, <c>demo kill
/// rec-1</c> makes a standby take over, <c>demo start rec-1</c> brings the cameras and the footage back; the
/// README's demo walkthrough finds the standby on the demo's LAN with a search and adds it, and updates one agent
/// from a package file and another from a feed, with the demo's key, to the CMS's version; and stopping it (Ctrl-C)
/// leaves no process and no network namespace behind, updated agents (which restarted themselves) included.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class DemoTests
{
    private const string CliSessionVariable = "VIGIL_CLI_SESSION";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_demo_shows_a_failover_and_a_failback_and_stopping_it_stops_everything()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"vigil-demo-test-{Guid.NewGuid():N}");
        var port = FreePortRange().ToString(CultureInfo.InvariantCulture);
        var lan = $"vigil-demo-{port}";
        try
        {
            await using var demo = VigilProcess.Launch(["demo", "--dir", directory, "--port", port]);
            await WaitForAsync(demo, "Vigil demo is running");
            demo.Output.ShouldContain("./run demo kill rec-1");

            (await RunAsync("demo", "kill", "rec-1", "--dir", directory)).ShouldContain("rec-1: killed");
            await WaitForAsync(demo, @"rec-1\s+failover\s+takingover -> active");

            (await RunAsync("demo", "start", "rec-1", "--dir", directory)).ShouldContain("rec-1: started");
            await WaitForAsync(demo, @"rec-1\s+failover\s+restoring -> cleaning");
            await WaitForAsync(demo, @"rec-1\s+failover\s+cleaning -> completed");

            await SearchAndAddAsync(demo, directory);
            await UpdateAsync(demo, directory);
            (await RunAsync("demo", "kill", "standby-2", "--dir", directory)).ShouldContain("standby-2: killed", customMessage: "the demo finds an agent that restarted itself into a new version");

            // Ctrl-C and SIGTERM take the same path. SIGTERM here: a test run started in the background (`./test &`)
            // starts every process with SIGINT ignored, as shells do for background jobs, so SIGINT could not reach the demo.
            FailoverSite.Signal(demo, "TERM");
            (await demo.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0);
            demo.Output.ShouldContain("Stopping everything the demo started");
            ProcessSweep.Matching(directory).ShouldBeEmpty("Ctrl-C stops everything the demo started");
            File.Exists(Path.Combine("/run/netns", lan)).ShouldBeFalse("the demo's LAN is removed");
        }
        finally
        {
            ProcessSweep.KillEverythingMentioning(directory);
            if (File.Exists(Path.Combine("/run/netns", lan)))
            {
                await IsolatedLan.RunAsync(["ip", "netns", "del", lan], TimeSpan.FromSeconds(30));
            }

            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The README's search: the demo's LAN standby is found available, and added by what the search showed.</summary>
    private static async Task SearchAndAddAsync(VigilProcess demo, string directory)
    {
        var session = Session(directory);
        var cms = demo.Find(@"CMS API:\s+(\S+)/api/v1") ?? throw new InvalidOperationException(demo.Output);
        await RunAsync(session, "login", "--cms", cms, "--password", demo.Find(@"user admin, password (\S+)")!);
        var found = await RunAsync(session, "server", "search");
        var line = found.Split('\n').Single(l => l.StartsWith("standby-3 ", StringComparison.Ordinal));
        line.ShouldContain("available");
        var address = new Uri(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        var fingerprint = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        demo.Output.ShouldContain($"its certificate: {fingerprint}", customMessage: "the fingerprint found is the one the agent printed");
        (await RunAsync(session, "server", "add", "--group", "Failover Group 1", "--role", "standby", "--host", address.Host,
            "--port", address.Port.ToString(CultureInfo.InvariantCulture), "--fingerprint", fingerprint, "--password", demo.Find(@"agents' admin password: (\S+)")!))
            .ShouldContain("Added standby server");
    }

    /// <summary>The README's updates, with the demo's key: standby-2 from a package file, standby-3 from a feed; each then reports the CMS's version.</summary>
    private static async Task UpdateAsync(VigilProcess demo, string directory)
    {
        var session = Session(directory);
        var current = Contracts.VigilVersion.Current;
        var next = $"{current.Major}.{current.Minor}.{current.Build + 1}";
        demo.Output.ShouldContain($"The agents run vigil {current.Major}.{current.Minor}.{current.Build}, the CMS {next}.");
        var package = Path.Combine(directory, $"vigil-update_{next}.vup");
        await RunAsync(session, "update-package", "build", "--from", await UpdateBuilds.ProgramAsync(next), "--version", next,
            "--key", Path.Combine(directory, "keys", "vigil-update-signing.key"), "--out", package);
        (await RunAsync(session, "server", "update", "standby-2", "--file", package, "--wait")).ShouldContain($"the agent runs {next}");

        var feed = Path.Combine(directory, "feed");
        await RunAsync(session, "update-package", "publish", "--feed", feed, package);
        await RunAsync(session, "settings", "set", "update-feed", feed);
        (await RunAsync(session, "update", "available")).ShouldMatch($@"standby-3\s+{Regex.Escape(current.ToString(3))}\s+compatible\s+{Regex.Escape(next)}");
        (await RunAsync(session, "server", "update", "standby-3", "--version", next, "--wait")).ShouldContain($"the agent runs {next}");
        (await RunAsync(session, "server", "list")).ShouldMatch($@"standby-2\s+standby\s.*\s{Regex.Escape(next)}");
    }

    private static Dictionary<string, string> Session(string directory) => new() { [CliSessionVariable] = Path.Combine(directory, "cli-session.json") };

    private static async Task WaitForAsync(VigilProcess demo, string pattern)
    {
        try
        {
            await Eventually.UntilAsync(() => demo.Find(pattern) is not null, Deadline, $"the demo to print /{pattern}/");
        }
        catch (TimeoutException e)
        {
            // What it printed by the deadline, not by the start of the wait.
            throw new TimeoutException($"{e.Message} It printed:\n{demo.Output}", e);
        }
    }

    private static Task<string> RunAsync(params string[] arguments) => RunAsync(null, arguments);

    private static async Task<string> RunAsync(Dictionary<string, string>? environment, params string[] arguments)
    {
        await using var command = VigilProcess.Launch(arguments, environment);
        (await command.WaitForExitAsync(Deadline)).ShouldBe(0, command.Output);
        return command.Output;
    }

    /// <summary>A base port with the 81 ports the demo uses above it free now.</summary>
    private static int FreePortRange()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            // Below Linux's ephemeral ports (32768 and up), from which every outgoing connection and every listener on port 0
            // takes one: such a port could be taken from the range between this check and the demo's bind.
            var start = Random.Shared.Next(20_000, 32_600);
            if (Enumerable.Range(start, 81).All(IsFree))
            {
                return start;
            }
        }

        throw new InvalidOperationException("No free range of 81 loopback ports.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

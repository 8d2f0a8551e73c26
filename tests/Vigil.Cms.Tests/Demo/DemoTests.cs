using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vigil.Cms.Tests.Support;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Demo;

/// <summary>
/// The README's first command, as a newcomer runs it: <c>vigil demo</c> starts a whole site, <c>demo kill
/// rec-1</c> makes a standby take over, <c>demo start rec-1</c> brings the cameras and the footage back, and
/// stopping it (Ctrl-C) leaves no process behind.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class DemoTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task The_demo_shows_a_failover_and_a_failback_and_stopping_it_stops_everything()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"vigil-demo-test-{Guid.NewGuid():N}");
        var port = FreePortRange().ToString(CultureInfo.InvariantCulture);
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

            // Ctrl-C and SIGTERM take the same path. SIGTERM here: a test run started in the background (`./test &`)
            // starts every process with SIGINT ignored, as shells do for background jobs, so SIGINT could not reach the demo.
            FailoverSite.Signal(demo, "TERM");
            (await demo.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0);
            demo.Output.ShouldContain("Stopping everything the demo started");
            ProcessSweep.Matching(directory).ShouldBeEmpty("Ctrl-C stops everything the demo started");
        }
        finally
        {
            ProcessSweep.KillEverythingMentioning(directory);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static Task WaitForAsync(VigilProcess demo, string pattern) =>
        Eventually.UntilAsync(() => demo.Find(pattern) is not null, Deadline, $"the demo to print /{pattern}/; it printed:\n{demo.Output}");

    private static async Task<string> RunAsync(params string[] arguments)
    {
        await using var command = VigilProcess.Launch(arguments);
        (await command.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, command.Output);
        return command.Output;
    }

    /// <summary>A base port with the 81 ports the demo uses above it free now.</summary>
    private static int FreePortRange()
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var start = Random.Shared.Next(20_000, 60_000);
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

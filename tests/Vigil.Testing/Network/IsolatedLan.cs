using System.Diagnostics;
using System.Globalization;

namespace Vigil.Testing.Network;

/// <summary>
/// A LAN of its own made of network namespaces: a switch namespace holding a bridge, and one namespace per host, each
/// joined to the bridge by a veth pair and given 10.77.S.(10+n)/24. Nothing on it can reach, or be reached from, this
/// machine's own interfaces, so searching and multicast stay on it. Needs root (the tests run as root). Every namespace
/// goes on dispose, with whatever runs in it, and also when the LAN could not be made completely.
/// </summary>
public sealed class IsolatedLan : IAsyncDisposable
{
    private static int _count;
    private readonly string _prefix;
    private readonly int _subnet;
    private readonly List<string> _namespaces = [];

    private IsolatedLan(string prefix, int subnet)
    {
        _prefix = prefix;
        _subnet = subnet;
    }

    public string Switch => $"{_prefix}sw";

    /// <summary>Makes the switch and <paramref name="hosts"/> hosts, numbered from 1.</summary>
    public static async Task<IsolatedLan> CreateAsync(int hosts)
    {
        var count = Interlocked.Increment(ref _count);
        var lan = new IsolatedLan($"vgl{Environment.ProcessId % 100000}x{count}", count % 250);
        try
        {
            await lan.AddNamespaceAsync(lan.Switch);
            await IpAsync("-n", lan.Switch, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0");
            await IpAsync("-n", lan.Switch, "link", "set", "br0", "up");
            for (var n = 1; n <= hosts; n++)
            {
                var host = lan.Host(n);
                await lan.AddNamespaceAsync(host);
                await IpAsync("-n", host, "link", "set", "lo", "up");
                await IpAsync("-n", host, "link", "add", "eth0", "type", "veth", "peer", "name", $"p{n}", "netns", lan.Switch);
                await IpAsync("-n", lan.Switch, "link", "set", $"p{n}", "master", "br0", "up");
                await IpAsync("-n", host, "addr", "add", $"{lan.Address(n)}/24", "dev", "eth0");
                await IpAsync("-n", host, "link", "set", "eth0", "multicast", "on", "up");
            }

            return lan;
        }
        catch
        {
            await lan.DisposeAsync();
            throw;
        }
    }

    /// <summary>The name of host <paramref name="n"/>'s namespace.</summary>
    public string Host(int n) => $"{_prefix}h{n.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Host <paramref name="n"/>'s address; each LAN of a test run has a subnet of its own, so two are never confused.</summary>
    public string Address(int n) => string.Create(CultureInfo.InvariantCulture, $"10.77.{_subnet}.{10 + n}");

    /// <summary>The command line that runs a program inside host <paramref name="n"/>.</summary>
    public IReadOnlyList<string> Inside(int n) => ["ip", "netns", "exec", Host(n)];

    /// <summary>Starts <c>vigil ARGS</c> inside host <paramref name="n"/> and waits until it listens.</summary>
    public Task<VigilProcess> StartVigilAsync(int n, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        VigilProcess.StartProgramAsync("ip", ["netns", "exec", Host(n), "dotnet", VigilProcess.EntryAssembly, .. arguments], environment);

    /// <summary>Runs a command (<see cref="Inside"/> makes it run in a host) to its end; answers its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> command, TimeSpan deadline)
    {
        var list = command.ToList();
        var start = new ProcessStartInfo(list[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        list.Skip(1).ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(deadline);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await output, await error);
    }

    public async ValueTask DisposeAsync()
    {
        // Hosts first, the switch last; a namespace still used by a process goes once that process ends (its owner kills it).
        foreach (var name in Enumerable.Reverse(_namespaces))
        {
            await RunAsync(["ip", "netns", "del", name], TimeSpan.FromSeconds(30));
        }

        _namespaces.Clear();
    }

    private async Task AddNamespaceAsync(string name)
    {
        await IpAsync("netns", "add", name);
        _namespaces.Add(name);
    }

    private static async Task IpAsync(params string[] arguments)
    {
        var (exit, _, error) = await RunAsync(["ip", .. arguments], TimeSpan.FromSeconds(30));
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({exit}): {error}");
        }
    }
}

using System.Diagnostics;
using System.Globalization;

namespace Vigil.Cli.Demo;

/// <summary>
/// A LAN of the demo's own, so a search has a server to find: a network namespace joined to this machine by a veth pair,
/// 198.18.S.1 on this side and 198.18.S.2 inside (198.18.0.0/15 is set aside for tests of networks, so it collides with
/// no real LAN; S comes from the demo's port, so two demos do not share one). The CMS searches only there
/// (<c>--search-on</c>); an agent inside it answers as one on a real LAN would. Needs root and <c>ip</c>; without them
/// the demo runs without it and says so. Removed when the demo stops, and before it starts (a killed demo's).
/// </summary>
internal sealed record DemoLan(string Namespace, string HostLink, int Subnet)
{
    private static readonly TimeSpan CommandDeadline = TimeSpan.FromSeconds(30);
    private static readonly string[] IpPaths = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"];

    public string HostAddress => string.Create(CultureInfo.InvariantCulture, $"198.18.{Subnet}.1");

    public string ServerAddress => string.Create(CultureInfo.InvariantCulture, $"198.18.{Subnet}.2");

    public static DemoLan For(int basePort) =>
        new(string.Create(CultureInfo.InvariantCulture, $"vigil-demo-{basePort}"), string.Create(CultureInfo.InvariantCulture, $"vd{basePort}"), basePort % 256);

    /// <summary>Why this machine cannot have the demo's LAN, or null when it can.</summary>
    public static string? Unavailable() =>
        !Environment.IsPrivilegedProcess ? "it needs root (a network namespace)"
        : Ip() is null ? "it needs the ip command (iproute2)"
        : null;

    /// <summary>The command line that runs a program inside the namespace.</summary>
    public IReadOnlyList<string> Inside() => [Ip() ?? "ip", "netns", "exec", Namespace];

    public void Create()
    {
        Remove();
        var peer = HostLink + "p";
        Run("netns", "add", Namespace);
        try
        {
            Run("link", "add", HostLink, "type", "veth", "peer", "name", peer, "netns", Namespace);
            Run("addr", "add", $"{HostAddress}/24", "dev", HostLink);
            Run("link", "set", HostLink, "multicast", "on", "up");
            Run("-n", Namespace, "link", "set", "lo", "up");
            Run("-n", Namespace, "addr", "add", $"{ServerAddress}/24", "dev", peer);
            Run("-n", Namespace, "link", "set", peer, "multicast", "on", "up");
        }
        catch
        {
            Remove();
            throw;
        }
    }

    /// <summary>Deletes the namespace, which takes the veth pair with it; nothing happens when there is none.</summary>
    public void Remove()
    {
        if (File.Exists(Path.Combine("/run/netns", Namespace)))
        {
            Run("netns", "del", Namespace);
        }
    }

    private static string? Ip() => IpPaths.FirstOrDefault(File.Exists);

    private static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Ip() ?? "ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        arguments.ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ip did not start.");
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(CommandDeadline))
        {
            process.Kill();
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} did not finish within {CommandDeadline.TotalSeconds:0} s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed: {error.Result.Trim()}");
        }
    }
}

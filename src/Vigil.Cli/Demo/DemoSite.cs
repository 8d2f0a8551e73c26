using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vigil.Hosting;

namespace Vigil.Cli.Demo;

/// <summary>
/// The demo's processes on loopback: a camera simulator, a CMS, three recording agents with two cameras
/// each and two standbys. Each runs as its own <c>vigil</c> process, logs to <c>DIR/logs</c> and leaves its
/// pid in <c>DIR/pids</c>, so <c>vigil demo kill|start</c> from another terminal can pull its plug.
/// </summary>
internal sealed record DemoSite(string Directory, int BasePort, string CmsPassword, string AgentPassword)
{
    public const int RecordingServers = 3;
    public const int Standbys = 2;
    public const int CamerasPerServer = 2;

    public static string DefaultDirectory { get; } = Path.Combine(Path.GetTempPath(), "vigil-demo");

    public string CmsUrl => Url(BasePort + 80);

    public string CamSimUrl => Url(BasePort);

    public static IReadOnlyList<string> AgentNames { get; } =
        [.. Enumerable.Range(1, RecordingServers).Select(i => $"rec-{i}"), .. Enumerable.Range(1, Standbys).Select(i => $"standby-{i}")];

    public static DemoSite Create(string directory, int basePort)
    {
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(directory);
        var site = new DemoSite(Path.GetFullPath(directory), basePort, InitialAdminPassword.Generate(), InitialAdminPassword.Generate());
        File.WriteAllText(SiteFile(directory), JsonSerializer.Serialize(site));
        return site;
    }

    public static DemoSite? Load(string directory) =>
        File.Exists(SiteFile(directory)) ? JsonSerializer.Deserialize<DemoSite>(File.ReadAllText(SiteFile(directory))) : null;

    public int AgentPort(string name) => name.StartsWith("rec-", StringComparison.Ordinal)
        ? BasePort + int.Parse(name[4..], CultureInfo.InvariantCulture)
        : BasePort + 10 + int.Parse(name[8..], CultureInfo.InvariantCulture);

    public static bool IsAgent(string name) => AgentNames.Contains(name);

    /// <summary>The <c>vigil</c> arguments and environment of one of the demo's processes.</summary>
    public (IReadOnlyList<string> Arguments, string Password) Launch(string name)
    {
        if (name == "camsim")
        {
            return (["camsim", "--urls", CamSimUrl, "--cameras", (RecordingServers * CamerasPerServer).ToString(CultureInfo.InvariantCulture)], string.Empty);
        }

        if (name == "cms")
        {
            return (["cms", "--data", Data("cms"), "--urls", CmsUrl, "--name", "vigil-demo"], CmsPassword);
        }

        var arguments = new List<string> { "agent", "--data", Data(name), "--urls", SecureUrl(AgentPort(name)), "--name", name, "--model", "Vigil Demo" };
        if (name.StartsWith("rec-", StringComparison.Ordinal))
        {
            var index = int.Parse(name[4..], CultureInfo.InvariantCulture);
            for (var c = 1; c <= CamerasPerServer; c++)
            {
                var camera = ((index - 1) * CamerasPerServer) + c;
                arguments.AddRange(["--camera", $"cam-{camera}={CamSimUrl}/cam/{camera}"]);
            }
        }

        return (arguments, AgentPassword);
    }

    /// <summary>Starts one process in the background; it outlives this command (<c>vigil demo start</c>).</summary>
    public int Start(string name)
    {
        var (arguments, password) = Launch(name);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "logs"));
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, "pids"));
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("log=\"$1\"; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null");
        start.ArgumentList.Add("sh");
        start.ArgumentList.Add(Path.Combine(Directory, "logs", $"{name}.log"));
        foreach (var part in VigilExecutable().Concat(arguments))
        {
            start.ArgumentList.Add(part);
        }

        if (password.Length > 0)
        {
            start.Environment[InitialAdminPassword.EnvironmentVariable] = password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        File.WriteAllText(PidFile(name), process.Id.ToString(CultureInfo.InvariantCulture));
        return process.Id;
    }

    /// <summary>Pulls the plug: SIGKILL to the process and its recorders. Answers whether it was running.</summary>
    public bool Kill(string name)
    {
        if (RunningProcess(name) is not { } process)
        {
            return false;
        }

        using (process)
        {
            process.Kill(entireProcessTree: true);
        }

        File.Delete(PidFile(name));
        return true;
    }

    public Process? RunningProcess(string name)
    {
        if (!File.Exists(PidFile(name)) || !int.TryParse(File.ReadAllText(PidFile(name)), CultureInfo.InvariantCulture, out var pid))
        {
            return null;
        }

        try
        {
            var process = Process.GetProcessById(pid);
            if (!process.HasExited)
            {
                return process;
            }

            process.Dispose();
        }
        catch (ArgumentException)
        {
        }

        return null;
    }

    private string Data(string name) => Path.Combine(Directory, name);

    private string PidFile(string name) => Path.Combine(Directory, "pids", $"{name}.pid");

    private static string SiteFile(string directory) => Path.Combine(directory, "site.json");

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

    /// <summary>The agents speak HTTPS with the CMS, as on a real site; the demo confirms each one's certificate from its start-up line.</summary>
    public static string SecureUrl(int port) => string.Create(CultureInfo.InvariantCulture, $"https://127.0.0.1:{port}");

    /// <summary>
    /// The certificate fingerprint an agent printed when it started (the last start, as its log is appended to): what an
    /// operator compares before trusting it, read here from the same line.
    /// </summary>
    public string? AgentFingerprint(string name)
    {
        const string Marker = "TLS certificate SHA-256 fingerprint: ";
        var log = Path.Combine(Directory, "logs", $"{name}.log");
        return File.Exists(log)
            ? File.ReadLines(log).Where(l => l.StartsWith(Marker, StringComparison.Ordinal)).Select(l => l[Marker.Length..].Trim()).LastOrDefault()
            : null;
    }

    /// <summary>How to run this same <c>vigil</c>: the apphost, or <c>dotnet vigil.dll</c>.</summary>
    private static IEnumerable<string> VigilExecutable()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(DemoSite).Assembly.Location] : [process];
    }
}

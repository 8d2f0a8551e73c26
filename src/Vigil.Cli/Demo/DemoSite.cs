using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vigil.Hosting;

namespace Vigil.Cli.Demo;

/// <summary>
/// The demo's processes on loopback: a camera simulator, a CMS, three recording agents with two cameras
/// each and two standbys, and with a <see cref="DemoLan"/> a third standby on it, not added. Each runs as its own
/// <c>vigil</c> process, logs to <c>DIR/logs</c> and leaves its pid in <c>DIR/pids</c>, so <c>vigil demo kill|start</c>
/// from another terminal can pull its plug. With <paramref name="CmsProgram"/> the CMS runs that newer build and every
/// agent runs <paramref name="AgentVersion"/> from an installed layout of its own (<see cref="DemoPrograms"/>).
/// </summary>
internal sealed record DemoSite(
    string Directory, int BasePort, string CmsPassword, string AgentPassword, string? CmsProgram = null, string? AgentVersion = null, DemoLan? Lan = null)
{
    /// <summary>The standby on the demo's LAN, for finding with a search and adding.</summary>
    public const string LanAgentName = "standby-3";

    public const int RecordingServers = 3;
    public const int Standbys = 2;
    public const int CamerasPerServer = 2;

    public static string DefaultDirectory { get; } = Path.Combine(Path.GetTempPath(), "vigil-demo");

    public string CmsUrl => Url(BasePort + 80);

    public string CamSimUrl => Url(BasePort);

    public static IReadOnlyList<string> AgentNames { get; } =
        [.. Enumerable.Range(1, RecordingServers).Select(i => $"rec-{i}"), .. Enumerable.Range(1, Standbys).Select(i => $"standby-{i}")];

    /// <summary>The agents of this site: the five added to the group, and the one on the LAN if there is one.</summary>
    public IReadOnlyList<string> Agents => Lan is null ? AgentNames : [.. AgentNames, LanAgentName];

    public static DemoSite Create(string directory, int basePort)
    {
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(directory);
        return new DemoSite(Path.GetFullPath(directory), basePort, InitialAdminPassword.Generate(), InitialAdminPassword.Generate());
    }

    /// <summary>Writes the site down for <c>vigil demo kill|start</c> in another terminal.</summary>
    public void Save() => File.WriteAllText(SiteFile(Directory), JsonSerializer.Serialize(this));

    public static DemoSite? Load(string directory) =>
        File.Exists(SiteFile(directory)) ? JsonSerializer.Deserialize<DemoSite>(File.ReadAllText(SiteFile(directory))) : null;

    public int AgentPort(string name) => name.StartsWith("rec-", StringComparison.Ordinal)
        ? BasePort + int.Parse(name[4..], CultureInfo.InvariantCulture)
        : BasePort + 10 + int.Parse(name[8..], CultureInfo.InvariantCulture);

    /// <summary>Where the CMS reaches an agent: loopback, or the demo's LAN for the one on it.</summary>
    public string AgentUrl(string name) => SecureUrl(name == LanAgentName && Lan is not null ? Lan.ServerAddress : "127.0.0.1", AgentPort(name));

    public bool IsAgent(string name) => Agents.Contains(name);

    public bool Knows(string name) => IsAgent(name) || name is "cms" or "camsim";

    /// <summary>The <c>vigil</c> arguments and environment of one of the demo's processes.</summary>
    public (IReadOnlyList<string> Arguments, string Password) Launch(string name)
    {
        if (name == "camsim")
        {
            return (["camsim", "--urls", CamSimUrl, "--cameras", (RecordingServers * CamerasPerServer).ToString(CultureInfo.InvariantCulture)], string.Empty);
        }

        if (name == "cms")
        {
            List<string> cms = ["cms", "--data", Data("cms"), "--urls", CmsUrl, "--name", "vigil-demo", "--update-keys", DemoPrograms.PublicKey(Directory)];
            if (Lan is not null)
            {
                cms.AddRange(["--search-on", Lan.HostAddress]);
            }

            return (cms, CmsPassword);
        }

        var arguments = new List<string> { "agent", "--data", Data(name), "--urls", AgentUrl(name), "--name", name, "--model", "Vigil Demo" };
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
        foreach (var part in Program(name).Concat(arguments))
        {
            start.ArgumentList.Add(part);
        }

        if (password.Length > 0)
        {
            start.Environment[InitialAdminPassword.EnvironmentVariable] = password;
        }

        // An agent's installed layout runs its own apphost, which must find the same .NET as this program.
        if (DotnetRoot() is { } dotnetRoot)
        {
            start.Environment["DOTNET_ROOT"] = dotnetRoot;
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

    /// <summary>
    /// The running process of <paramref name="name"/>: the one it was started as, or, for an agent that restarted itself
    /// into a new version (a process of its own, <c>setsid</c>), the one whose command line names its data folder.
    /// </summary>
    public Process? RunningProcess(string name)
    {
        var pid = File.Exists(PidFile(name)) && int.TryParse(File.ReadAllText(PidFile(name)), CultureInfo.InvariantCulture, out var started)
            ? Alive(started)
            : null;
        pid ??= IsAgent(name) ? ProcessNaming(Data(name)) : null;
        if (pid is not { } id)
        {
            return null;
        }

        File.WriteAllText(PidFile(name), id.ToString(CultureInfo.InvariantCulture));
        return Process.GetProcessById(id);
    }

    private static int? Alive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : pid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A vigil process with <c>--data FOLDER</c> among its arguments (read from /proc).</summary>
    private static int? ProcessNaming(string dataFolder)
    {
        foreach (var entry in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(entry, "cmdline")).Split('\0');
                if (arguments.Index().Any(a => a.Item == dataFolder && a.Index > 0 && arguments[a.Index - 1] == "--data") && arguments.Contains("agent"))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // The process ended while it was looked at.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return null;
    }

    /// <summary>What runs a process: the newer build for the CMS, the agent's own installed layout, else this program.</summary>
    private IEnumerable<string> Program(string name)
    {
        IEnumerable<string> inside = name == LanAgentName && Lan is not null ? Lan.Inside() : [];
        if (name == "cms" && CmsProgram is not null)
        {
            return [.. inside, Dotnet(), Path.Combine(CmsProgram, "vigil.dll")];
        }

        if (IsAgent(name) && AgentVersion is not null)
        {
            return [.. inside, DemoPrograms.Executable(Directory, name)];
        }

        return [.. inside, .. VigilExecutable()];
    }

    private static string Dotnet() => RunningDotnet() ?? "dotnet";

    private static string? DotnetRoot() =>
        RunningDotnet() is { } path ? Path.GetDirectoryName(File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path) : null;

    /// <summary>The <c>dotnet</c> host running this program (<c>dotnet vigil.dll</c>, as <c>./run</c> does), or null for an apphost.</summary>
    private static string? RunningDotnet() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : null;

    private string Data(string name) => Path.Combine(Directory, name);

    private string PidFile(string name) => Path.Combine(Directory, "pids", $"{name}.pid");

    private static string SiteFile(string directory) => Path.Combine(directory, "site.json");

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");

    /// <summary>The agents speak HTTPS with the CMS, as on a real site; the demo confirms each one's certificate from its start-up line.</summary>
    private static string SecureUrl(string host, int port) => string.Create(CultureInfo.InvariantCulture, $"https://{host}:{port}");

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
    private static IEnumerable<string> VigilExecutable() =>
        RunningDotnet() is { } dotnet ? [dotnet, typeof(DemoSite).Assembly.Location] : [Environment.ProcessPath ?? "vigil"];
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vigil.Contracts.Cms;
using Vigil.Hosting.Updates;
using Vigil.Testing;
using Vigil.Testing.Updates;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// A site whose agents can be updated, all real processes on loopback: a CMS of the newer version (<see cref="NewVersion"/>,
/// a build of its own) trusting a test publisher key, a camera simulator, and agents of the tests' own version installed as
/// the Debian package lays vigil out (<c>versions/X.Y.Z</c> beside a <c>current</c> link), each on a fixed port so that it
/// comes back where the CMS knows it after restarting into a new version. Everything is stopped on dispose, even the
/// processes the agents start when they restart themselves.
/// </summary>
public sealed class UpdateSite : IAsyncDisposable
{
    public const string NewVersion = "0.1.1";

    private readonly List<VigilProcess> _processes = [];
    private TestDatabase _database = null!;

    private UpdateSite(string root, UpdateSigningKey key)
    {
        Root = root;
        Key = key;
    }

    public string Root { get; }

    public UpdateSigningKey Key { get; }

    public CmsUnderTest Cms { get; private set; } = null!;

    public VigilProcess CamSim { get; private set; } = null!;

    /// <summary>The newer version's program folder.</summary>
    public string NewProgram { get; private set; } = null!;

    /// <summary>The signed package of <see cref="NewVersion"/>.</summary>
    public string NewPackage => Path.Combine(Root, UpdatePackageLayout.FileName(NewVersion));

    public static async Task<UpdateSite> StartAsync(int cameras)
    {
        var root = Directory.CreateTempSubdirectory("vigil-update-").FullName;
        var site = new UpdateSite(root, UpdateSigningKey.Create(Path.Combine(root, "keys")));
        try
        {
            site.NewProgram = await UpdateBuilds.ProgramAsync(NewVersion);
            await UpdateBuilds.PackageAsync(site.NewProgram, NewVersion, site.Key, site.NewPackage);
            site.CamSim = site.Track(await VigilProcess.StartAsync(["camsim", "--urls", "http://127.0.0.1:0", "--cameras", cameras.ToString(CultureInfo.InvariantCulture)]));
            site._database = await TestDatabase.SqliteAsync();
            site.Cms = await CmsUnderTest.StartAsync(site._database, extra: ["--update-keys", site.Key.PublicKeyFile], program: Path.Combine(site.NewProgram, "vigil"));
            var settings = await site.Cms.GetAsync<SettingsView>(CmsRoutes.Settings);
            (await site.Cms.PutAsync(CmsRoutes.Settings, settings with
            {
                ProbeIntervalMs = 1000, ProbeTimeoutMs = 800, MissesBeforeFailure = 3, StabilisationSeconds = 3, StandbyMinimumFreeBytes = 100L * 1024 * 1024,
            })).EnsureSuccessStatusCode();
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    public string DataOf(string agent) => Path.Combine(Root, agent, "data");

    public string InstallOf(string agent) => Path.Combine(Root, agent, "install");

    /// <summary>Installs the tests' own build for <paramref name="name"/> and starts it, recording the given simulator cameras.</summary>
    public async Task<VigilProcess> StartAgentAsync(string name, params int[] cameras)
    {
        var program = UpdateBuilds.InstallLayout(InstallOf(name), UpdateBuilds.TestBuildVersion, Path.GetDirectoryName(VigilProcess.EntryAssembly)!);
        var port = FreePort();
        var arguments = new List<string>
        {
            "agent", "--data", DataOf(name), "--urls", $"http://127.0.0.1:{port}", "--name", name, "--segment-seconds", "2",
        };
        foreach (var camera in cameras)
        {
            arguments.AddRange(["--camera", $"cam-{camera}={new Uri(CamSim.BaseUrl, $"cam/{camera}")}"]);
        }

        return Track(await VigilProcess.StartProgramAsync(program, arguments, new Dictionary<string, string?> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password }));
    }

    public async Task<ServerView> AddAsync(VigilProcess agent, ServerRoleName role) => await Cms.AddAsync(AgentsFixture.Add(agent, role));

    /// <summary>The agent's own segment files of <paramref name="camera"/>, restored ones included.</summary>
    public List<string> OwnSegments(string agent, string camera)
    {
        var folder = Path.Combine(DataOf(agent), "space1", "own", camera);
        return Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.ts", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        // An agent that updated itself runs as a process of its own, with its recorders: all mention this site's folder. They go
        // first: the restarted agent holds the output pipe of the process the test started, which ends only when it does.
        ProcessSweep.KillEverythingMentioning(Root);
        if (Cms is not null)
        {
            await Cms.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Key.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    private VigilProcess Track(VigilProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// A small site for failover tests, all real processes on loopback: a camera simulator, a CMS on SQLite (or
/// PostgreSQL) with fast failover settings, and agents that can be SIGKILLed and started again on the same port and
/// data directory. Everything is stopped on dispose, even after a failure.
/// </summary>
public sealed class FailoverSite : IAsyncDisposable
{
    public const int SegmentSeconds = 2;
    public const double ProbeSeconds = 1;
    public const int Misses = 3;

    private readonly List<VigilProcess> _processes = [];
    private readonly List<CmsUnderTest> _otherCmsHosts = [];
    private readonly Dictionary<string, (string Data, int Port, string[] Extra)> _agents = [];
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _environments = [];
    private TestDatabase _database = null!;

    private FailoverSite(string root) => Root = root;

    public string Root { get; }

    public VigilProcess CamSim { get; private set; } = null!;

    public CmsUnderTest Cms { get; private set; } = null!;

    /// <param name="cmsArguments">More arguments for <c>vigil cms</c>.</param>
    /// <param name="database">The CMS's database: SQLite in its data directory unless given (<see cref="TestDatabase.PostgresAsync"/>).</param>
    public static async Task<FailoverSite> StartAsync(
        int cameras, Func<SettingsView, SettingsView>? tune = null, IReadOnlyList<string>? cmsArguments = null, Func<Task<TestDatabase>>? database = null)
    {
        var site = new FailoverSite(Directory.CreateTempSubdirectory("vigil-failover-").FullName);
        try
        {
            site.CamSim = site.Track(await VigilProcess.StartAsync(["camsim", "--urls", "http://127.0.0.1:0", "--cameras", cameras.ToString(CultureInfo.InvariantCulture)]));
            site._database = await (database ?? TestDatabase.SqliteAsync)();
            site.Cms = await CmsUnderTest.StartAsync(site._database, extra: cmsArguments);
            var settings = await site.Cms.GetAsync<SettingsView>(CmsRoutes.Settings);
            settings = settings with
            {
                ProbeIntervalMs = (int)(ProbeSeconds * 1000),
                ProbeTimeoutMs = 800,
                MissesBeforeFailure = Misses,
                StabilisationSeconds = 3,
                StandbyMinimumFreeBytes = 100L * 1024 * 1024,
            };
            (await site.Cms.PutAsync(CmsRoutes.Settings, tune is null ? settings : tune(settings))).EnsureSuccessStatusCode();
            return site;
        }
        catch
        {
            // A site that could not start (no PostgreSQL, a CMS that did not come up) leaves no process behind either.
            await site.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another CMS host on the site's database (PostgreSQL): it stands by while <see cref="Cms"/> leads.</summary>
    public async Task<CmsUnderTest> StartCmsHostAsync()
    {
        var host = await CmsUnderTest.StartAsync(_database);
        _otherCmsHosts.Add(host);
        return host;
    }

    /// <summary>From now on the site's helpers speak to <paramref name="leader"/>, a CMS host that took the lead.</summary>
    public void Follow(CmsUnderTest leader)
    {
        ArgumentNullException.ThrowIfNull(leader);
        if (!_otherCmsHosts.Remove(leader))
        {
            throw new ArgumentException("Follow a host this site started.", nameof(leader));
        }

        _otherCmsHosts.Add(Cms);
        Cms = leader;
    }

    public string Camera(int number) => new Uri(CamSim.BaseUrl, $"cam/{number}").ToString();

    public string DataOf(string name) => _agents[name].Data;

    /// <summary>Starts agent <paramref name="name"/>: on a free port the first time, on the same port and data again after a kill.</summary>
    public Task<VigilProcess> StartAgentAsync(string name, params int[] cameras) =>
        StartAgentWithCamerasAsync(name, cameras.Select(c => ($"cam-{c}", Camera(c))).ToArray());

    /// <summary>Starts agent <paramref name="name"/> with more arguments for <c>vigil agent</c>, recording the given simulator cameras.</summary>
    public Task<VigilProcess> StartAgentWithArgumentsAsync(string name, IReadOnlyList<string> extra, params int[] cameras)
    {
        _agents.TryAdd(name, (Path.Combine(Root, name), 0, [.. cameras.SelectMany(c => new[] { "--camera", $"cam-{c}={Camera(c)}" }), .. extra]));
        return StartAgentWithCamerasAsync(name);
    }

    /// <summary>Starts agent <paramref name="name"/> with these environment variables (kept for its restarts), recording the given simulator cameras.</summary>
    public Task<VigilProcess> StartAgentWithEnvironmentAsync(string name, IReadOnlyDictionary<string, string> environment, params int[] cameras)
    {
        _environments[name] = environment;
        return StartAgentAsync(name, cameras);
    }

    /// <summary>Starts agent <paramref name="name"/> licensed for <paramref name="channels"/> channels, recording the given simulator cameras.</summary>
    public Task<VigilProcess> StartLicensedAgentAsync(string name, int channels, params int[] cameras)
    {
        _agents.TryAdd(name, (Path.Combine(Root, name), 0,
            [.. cameras.SelectMany(c => new[] { "--camera", $"cam-{c}={Camera(c)}" }), "--license-channels", channels.ToString(CultureInfo.InvariantCulture)]));
        return StartAgentWithCamerasAsync(name);
    }

    /// <summary>Starts agent <paramref name="name"/> recording <paramref name="cameras"/> (id, stream URL) of its own, such as real RTSP cameras.</summary>
    public async Task<VigilProcess> StartAgentWithCamerasAsync(string name, params (string Id, string Url)[] cameras)
    {
        if (!_agents.TryGetValue(name, out var agent))
        {
            agent = (Path.Combine(Root, name), 0, cameras.SelectMany(c => new[] { "--camera", $"{c.Id}={c.Url}" }).ToArray());
        }

        var environment = new Dictionary<string, string>(_environments.GetValueOrDefault(name) ?? new Dictionary<string, string>()) { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password };
        var process = Track(await VigilProcess.StartAsync(
            ["agent", "--data", agent.Data, "--urls", $"http://127.0.0.1:{agent.Port}", "--name", name,
             "--segment-seconds", SegmentSeconds.ToString(CultureInfo.InvariantCulture), .. agent.Extra],
            environment));
        _agents[name] = agent with { Port = process.BaseUrl.Port };
        return process;
    }

    public async Task<ServerView> AddAsync(VigilProcess agent, ServerRoleName role) => await Cms.AddAsync(AgentsFixture.Add(agent, role));

    /// <summary>Adds a plain-HTTP agent by the address of the <paramref name="gate"/> in front of it, so the test decides when the calls it holds are answered.</summary>
    public async Task<ServerView> AddThroughAsync(AgentGate gate, ServerRoleName role)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return await Cms.AddAsync(new AddServerRequest(1, role, gate.BaseUrl.Host, gate.BaseUrl.Port, false, AgentsFixture.Password, null, null));
    }

    public async Task<string> StatusOfAsync(int id) => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(id))).Status.Code;

    public Task WaitStatusAsync(int id, string status) =>
        Eventually.UntilAsync(async () => await StatusOfAsync(id) == status, TimeSpan.FromSeconds(60), $"server {id} to be {status}");

    /// <summary>How many more probe rounds a test waits to see that the engine did not act on a server.</summary>
    public const int RoundsToWait = 3;

    /// <summary>Waits until the CMS has probed <paramref name="server"/> <see cref="RoundsToWait"/> more times after <paramref name="extraSeconds"/>.</summary>
    public async Task WaitRoundsAsync(int server, int extraSeconds = 0)
    {
        var after = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(extraSeconds + (RoundsToWait * ProbeSeconds));
        await Eventually.UntilAsync(async () => (await Cms.GetAsync<ServerView>(CmsRoutes.Server(server))).Health.LastProbe > after,
            TimeSpan.FromSeconds(extraSeconds + 30), $"{RoundsToWait} more probe rounds");
    }

    /// <summary>
    /// Starts the recording server "rec" again with the cleanup of the standby behind <paramref name="gate"/> held, and
    /// hashes the standby's failover files once the cleanup arrives: its recorders have stopped and the restore is done,
    /// but the files are still there. Returns those hashes and when the original started again.
    /// </summary>
    public async Task<(Dictionary<string, List<string>> OnStandby, DateTime BackAt)> ReturnAndHashAtCleanupAsync(AgentGate gate, string standby, string key)
    {
        ArgumentNullException.ThrowIfNull(gate);
        gate.Hold(GatedCall.FootageRemoval);
        await StartAgentAsync("rec");
        var backAt = DateTime.UtcNow;
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(90));
        var onStandby = FailoverFileHashes(standby, key);
        gate.Release();
        return (onStandby, backAt);
    }

    public async Task<FailoverView> WaitFailoverAsync(int recordingServer, Func<FailoverView, bool> condition, string what)
    {
        FailoverView? latest = null;
        try
        {
            return await Eventually.GetAsync(async () =>
            {
                latest = await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(recordingServer));
                return condition(latest) ? latest : null;
            }, TimeSpan.FromSeconds(90), what);
        }
        catch (TimeoutException e) when (latest is not null)
        {
            // Where the failover stood says what it waited for.
            throw new TimeoutException($"{e.Message} The failover was {latest.Phase}: {latest.Note}", e);
        }
    }

    public static async Task<IReadOnlyList<Recording>> RecordingsAsync(VigilProcess agent, string owner)
    {
        using var http = AgentAdmin(agent);
        var all = new List<Recording>();
        long? after = null;
        do
        {
            var page = (await http.GetFromJsonAsync<RecordingList>($"api/v1/recordings?owner={owner}" + (after is null ? string.Empty : $"&after={after}"), ContractJson.Options))!;
            all.AddRange(page.Recordings);
            after = page.Next;
        }
        while (after is not null);

        return all.OrderBy(r => r.Start).ThenBy(r => r.Id).ToList();
    }

    public static async Task<IReadOnlyList<TakeoverStatus>> TakeoversAsync(VigilProcess agent)
    {
        using var http = AgentAdmin(agent);
        return (await http.GetFromJsonAsync<List<TakeoverStatus>>("api/v1/takeovers", ContractJson.Options))!;
    }

    /// <summary>Takes a still image of <paramref name="camera"/> on <paramref name="agent"/> for <paramref name="owner"/>, as an operator would during an outage.</summary>
    public static async Task<Recording> SnapshotAsync(VigilProcess agent, string owner, string camera)
    {
        using var http = AgentAdmin(agent);
        using var response = await http.PostAsync(AgentRoutes.Snapshot(owner, camera).TrimStart('/'), null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Recording>(ContractJson.Options))!;
    }

    public static async Task<AgentInfo> InfoAsync(VigilProcess agent)
    {
        using var http = AgentAdmin(agent);
        return (await http.GetFromJsonAsync<AgentInfo>("api/v1/info", ContractJson.Options))!;
    }

    /// <summary>The segment files of one of the agent's own cameras (restored ones included).</summary>
    public List<string> OwnSegments(string agent, string camera) => Files(Path.Combine(DataOf(agent), "space1", "own", camera));

    public List<string> FailoverSegments(string agent, string key, string camera) =>
        Files(Path.Combine(DataOf(agent), "space1", "failover", key, camera));

    /// <summary>The SHA-256 of every segment and snapshot file on disk under an episode's failover folder of <paramref name="agent"/>, by camera.</summary>
    public Dictionary<string, List<string>> FailoverFileHashes(string agent, string key) =>
        HashesByCamera(Path.Combine(DataOf(agent), "space1", "failover", key), _ => true);

    /// <summary>The SHA-256 of every segment and snapshot file on disk of <paramref name="agent"/>'s own cameras (restored ones included), by camera.</summary>
    public Dictionary<string, List<string>> OwnFileHashes(string agent) => HashesByCamera(Path.Combine(DataOf(agent), "space1", "own"), _ => true);

    /// <summary>
    /// How many uploads a restore of <paramref name="standbys"/> to <paramref name="agent"/> needs: one per content the
    /// original did not record itself. A standby and the original cutting the same stream at the same keyframes write
    /// identical files around a failback, and so do two standbys that both recorded a camera for a moment (a dead acting
    /// standby restarts holding its takeover until the CMS releases it); the restore rightly skips what is already home by
    /// checksum.
    /// </summary>
    public int UploadsNeeded(string agent, params Dictionary<string, List<string>>[] standbys)
    {
        ArgumentNullException.ThrowIfNull(standbys);
        var recorded = HashesByCamera(Path.Combine(DataOf(agent), "space1", "own"), f => !IsRestored(f));
        return standbys.SelectMany(s => s)
            .GroupBy(c => c.Key, c => c.Value)
            .Sum(c => c.SelectMany(h => h).Except(recorded.GetValueOrDefault(c.Key) ?? []).Count());
    }

    /// <summary>
    /// The restore moved the failover files of these standbys home once each: at least every content the original did not
    /// record itself (the restore goes by checksum), and at most every file. A file the original recorded too (identical
    /// cuts around a failback) comes when its own copy was not yet catalogued as the restore looked, which a loaded machine
    /// makes more likely. No part of a file came twice.
    /// </summary>
    public void ShouldHaveCopiedEachOnce(AgentGate[] gates, params Dictionary<string, List<string>>[] standbys)
    {
        var needed = UploadsNeeded("rec", standbys);
        var files = standbys.Sum(s => s.Values.Sum(c => c.Count));
        var parts = AgentGate.RestoresAcross(gates);
        var seen = $"transfers: {string.Join(", ", parts.Keys.Order(StringComparer.Ordinal))}";
        parts.Count.ShouldBeGreaterThanOrEqualTo(needed, $"one transfer for each file the original did not record itself; {seen}");
        parts.Count.ShouldBeLessThanOrEqualTo(files, $"and at most one for each of the standby's {files} files; {seen}");
        parts.Where(r => r.Value > 1).ShouldBeEmpty("nothing was copied twice");
    }

    /// <summary>
    /// Every file the standby recorded for an episode, hashed from its disk, is on the original's disk byte for byte
    /// under the same camera, and the standby recorded every one of the <paramref name="cameras"/>.
    /// </summary>
    public static void ShouldAllBeHome(Dictionary<string, List<string>> onStandby, Dictionary<string, List<string>> home, int cameras)
    {
        ArgumentNullException.ThrowIfNull(onStandby);
        ArgumentNullException.ThrowIfNull(home);
        onStandby.Count.ShouldBe(cameras, "the standby recorded every camera");
        foreach (var (camera, hashes) in onStandby)
        {
            hashes.ShouldNotBeEmpty($"{camera} has failover footage");
            hashes.Except(home.GetValueOrDefault(camera) ?? []).ShouldBeEmpty($"{camera}: every file the standby recorded is on the original byte for byte");
        }
    }

    /// <summary>
    /// How long, in camera time, the original recorded while the standby still did at failback: from the first own
    /// segment written after <paramref name="backAt"/> to the end of the last restored one. Positive is make before break.
    /// </summary>
    public static async Task<double> FailbackOverlapAsync(IReadOnlyList<string> ownSegments, DateTime backAt)
    {
        var restored = await CameraTimeline.ReadAsync(ownSegments.Where(IsRestored));
        var resumed = await CameraTimeline.ReadAsync(ownSegments.Where(f => !IsRestored(f) && File.GetLastWriteTimeUtc(f) > backAt));
        return restored.Segments[^1].End - resumed.Segments[0].Start;
    }

    public static void Signal(VigilProcess process, string signal)
    {
        ArgumentNullException.ThrowIfNull(process);
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (Cms is not null)
        {
            await Cms.DisposeAsync();
        }

        foreach (var host in _otherCmsHosts)
        {
            await host.DisposeAsync();
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }

    private VigilProcess Track(VigilProcess process)
    {
        _processes.Add(process);
        return process;
    }

    /// <summary>The agent's API as its admin, as a technician would look at it.</summary>
    private static HttpClient AgentAdmin(VigilProcess agent)
    {
        var http = new HttpClient { BaseAddress = agent.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{AgentsFixture.Password}")));
        return http;
    }

    private static bool IsRestored(string file) => Path.GetFileName(file).StartsWith("restored-", StringComparison.Ordinal);

    private static Dictionary<string, List<string>> HashesByCamera(string folder, Func<string, bool> include) => Directory.Exists(folder)
        ? Directory.EnumerateDirectories(folder).ToDictionary(
            camera => Path.GetFileName(camera),
            camera => Footage(camera).Where(include).Select(f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f)))).ToList(),
            StringComparer.Ordinal)
        : [];

    private static IEnumerable<string> Footage(string folder) =>
        Files(folder).Concat(Directory.EnumerateFiles(folder, "*.jpg", SearchOption.AllDirectories));

    private static List<string> Files(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*.ts", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0).ToList()
        : [];
}

using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Bench.Site;

/// <summary>
/// Real processes on loopback for the scenarios that measure recording: a camera simulator, a CMS on
/// SQLite with its default settings, and agents that can lose power (SIGKILL of the agent and its
/// ffmpeg) and start again on the same port and data. Everything is stopped on dispose.
/// </summary>
public sealed class RealSite : IAsyncDisposable
{
    public const string AgentPassword = "bench-agent-password";
    private const string CmsPassword = "bench-cms-password";

    private readonly List<VigilProcess> _processes = [];
    private readonly Dictionary<string, (int Port, string[] Extra)> _agents = [];

    private RealSite(string root) => Root = root;

    public string Root { get; }

    public VigilProcess CamSim { get; private set; } = null!;

    public VigilProcess Cms { get; private set; } = null!;

    public CmsSession Api { get; private set; } = null!;

    public static async Task<RealSite> StartAsync(int cameras, CancellationToken cancellationToken)
    {
        var site = new RealSite(Directory.CreateTempSubdirectory("vigil-bench-").FullName);
        try
        {
            site.CamSim = site.Track(await VigilProcess.StartAsync(["camsim", "--urls", "http://127.0.0.1:0", "--cameras", cameras.ToString(CultureInfo.InvariantCulture)]));
            site.Cms = site.Track(await VigilProcess.StartAsync(
                ["cms", "--data", Path.Combine(site.Root, "cms"), "--urls", "http://127.0.0.1:0"],
                new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = CmsPassword }));
            site.Api = await CmsSession.SignInAsync(site.Cms.BaseUrl, CmsPassword, cancellationToken);
            return site;
        }
        catch
        {
            await site.DisposeAsync();
            throw;
        }
    }

    public string DataOf(string agent) => Path.Combine(Root, agent);

    /// <summary>Starts agent <paramref name="name"/>, recording the given simulator cameras as cam-N; again on the same port after a kill.</summary>
    public Task<VigilProcess> StartAgentAsync(string name, params int[] cameras) =>
        StartAgentWithCamerasAsync(name, cameras.Select(c => ($"cam-{c}", new Uri(CamSim.BaseUrl, $"cam/{c}").ToString())).ToArray());

    /// <summary>Starts agent <paramref name="name"/> recording <paramref name="cameras"/> (id, stream URL), such as real RTSP cameras.</summary>
    public async Task<VigilProcess> StartAgentWithCamerasAsync(string name, params (string Id, string Url)[] cameras)
    {
        if (!_agents.TryGetValue(name, out var agent))
        {
            agent = (0, cameras.SelectMany(c => new[] { "--camera", $"{c.Id}={c.Url}" }).ToArray());
        }

        var process = Track(await VigilProcess.StartAsync(
            ["agent", "--data", DataOf(name), "--urls", $"http://127.0.0.1:{agent.Port}", "--name", name, .. agent.Extra],
            new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentPassword }));
        _agents[name] = agent with { Port = process.BaseUrl.Port };
        return process;
    }

    /// <summary>SIGKILL of the CMS, as when its host loses power.</summary>
    public Task KillCmsAsync() => Cms.KillAsync();

    /// <summary>Starts the CMS again on the same port and data; the admin session stored in its database goes on.</summary>
    public async Task RestartCmsAsync()
    {
        Cms = Track(await VigilProcess.StartAsync(
            ["cms", "--data", Path.Combine(Root, "cms"), "--urls", $"http://127.0.0.1:{Cms.BaseUrl.Port}"],
            new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = CmsPassword }));
    }

    public Task<ServerView> AddAsync(VigilProcess agent, ServerRoleName role, CancellationToken cancellationToken) =>
        Api.SendAsync<ServerView>(HttpMethod.Post, CmsRoutes.Servers,
            new AddServerRequest(1, role, agent.BaseUrl.Host, agent.BaseUrl.Port, false, AgentPassword), cancellationToken);

    public async Task<string> StatusOfAsync(int server, CancellationToken cancellationToken) =>
        (await Api.GetAsync<ServerView>(CmsRoutes.Server(server), cancellationToken)).Status.Code;

    public Task WaitStatusAsync(int server, string status, CancellationToken cancellationToken) =>
        Eventually.UntilAsync(async () => await StatusOfAsync(server, cancellationToken) == status, TimeSpan.FromSeconds(120), $"server {server} to be {status}");

    /// <summary>The agent's catalog of <paramref name="owner"/>'s recordings, read with its admin password.</summary>
    public static async Task<IReadOnlyList<Recording>> RecordingsAsync(VigilProcess agent, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{AgentPassword}")));
        var all = new List<Recording>();
        long? after = null;
        do
        {
            var page = (await http.GetFromJsonAsync<RecordingList>(
                $"api/v1/recordings?owner={Uri.EscapeDataString(owner)}&limit={RecordingList.MaxPageSize}" + (after is null ? string.Empty : $"&after={after}"),
                ContractJson.Options, cancellationToken))!;
            all.AddRange(page.Recordings);
            after = page.Next;
        }
        while (after is not null);

        return all.OrderBy(r => r.Start).ThenBy(r => r.Id).ToList();
    }

    /// <summary>The non-empty segment files under a folder of an agent's first recording space.</summary>
    public List<FileInfo> Segments(string agent, params string[] folder)
    {
        var path = Path.Combine([DataOf(agent), "space1", .. folder]);
        return Directory.Exists(path)
            ? new DirectoryInfo(path).EnumerateFiles("*.ts", SearchOption.AllDirectories).Where(f => f.Length > 0).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        Api?.Dispose();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }

    private VigilProcess Track(VigilProcess process)
    {
        _processes.Add(process);
        return process;
    }
}

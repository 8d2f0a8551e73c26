using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Support;

/// <summary>A real <c>vigil agent</c> in a temporary data directory, with an HTTP client logged in as admin.</summary>
public sealed class AgentUnderTest : IAsyncDisposable
{
    public const string Password = "test-admin-password";

    private readonly List<string> _arguments;
    private readonly Dictionary<string, string> _environment;

    private AgentUnderTest(string root, List<string> arguments, Dictionary<string, string> environment)
    {
        Root = root;
        _arguments = arguments;
        _environment = environment;
    }

    public string Root { get; }

    public string DataDirectory => Path.Combine(Root, "data");

    public VigilProcess Process { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    /// <param name="environment">Variables for the agent process beyond the admin password (such as VIGIL_FFPROBE).</param>
    public static async Task<AgentUnderTest> StartAsync(
        IEnumerable<string> extraArguments, int spaces = 1, string scheme = "http", IReadOnlyDictionary<string, string>? environment = null)
    {
        var root = Directory.CreateTempSubdirectory("vigil-agent-test-").FullName;
        var arguments = new List<string> { "agent", "--data", Path.Combine(root, "data"), "--urls", $"{scheme}://127.0.0.1:0", "--name", "rec-test" };
        for (var i = 1; i <= spaces; i++)
        {
            arguments.AddRange(["--space", Path.Combine(root, $"space{i}")]);
        }

        arguments.AddRange(extraArguments);
        var variables = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["VIGIL_ADMIN_PASSWORD"] = Password };
        var agent = new AgentUnderTest(root, arguments, variables);
        await agent.StartAsync();
        return agent;
    }

    public string Space(int number) => Path.Combine(Root, $"space{number}");

    /// <summary>Starts the agent again on the same data directory (after a kill).</summary>
    public async Task StartAsync()
    {
        Http?.Dispose();
        Process = await VigilProcess.StartAsync(_arguments, _environment);
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        Http = new HttpClient(handler) { BaseAddress = Process.BaseUrl };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{Password}")));
    }

    public Task<T?> GetAsync<T>(string path) => Http.GetFromJsonAsync<T>(path.TrimStart('/'), ContractJson.Options);

    public async Task<AgentHealth> HealthAsync() => (await GetAsync<AgentHealth>(AgentRoutes.Health))!;

    public async Task<IReadOnlyList<Contracts.Agent.Recording>> RecordingsAsync(string owner = AgentRoutes.OwnRecordings, string? camera = null)
    {
        var query = $"{AgentRoutes.Recordings}?owner={owner}" + (camera is null ? string.Empty : $"&camera={camera}");
        var all = new List<Contracts.Agent.Recording>();
        long? after = null;
        do
        {
            var page = (await GetAsync<RecordingList>(query + (after is null ? string.Empty : $"&after={after}")))!;
            all.AddRange(page.Recordings);
            after = page.Next;
        }
        while (after is not null);

        return all.OrderBy(r => r.Start).ThenBy(r => r.Id).ToList();
    }

    /// <summary>Waits until <paramref name="camera"/> has at least <paramref name="count"/> catalogued segments.</summary>
    public Task<IReadOnlyList<Contracts.Agent.Recording>> SegmentsAsync(string camera, int count, string owner = AgentRoutes.OwnRecordings, int timeoutSeconds = 40) =>
        Eventually.GetAsync(async () =>
        {
            var segments = (await RecordingsAsync(owner, camera)).Where(r => r.Kind == RecordingKind.Video).ToList();
            return segments.Count >= count ? (IReadOnlyList<Contracts.Agent.Recording>)segments : null;
        }, TimeSpan.FromSeconds(timeoutSeconds), $"{count} segments of {owner}/{camera}");

    public IEnumerable<string> SegmentFiles(string camera, int space = 1, string owner = AgentRoutes.OwnRecordings)
    {
        var folder = owner == AgentRoutes.OwnRecordings
            ? Path.Combine(Space(space), "own", camera)
            : Path.Combine(Space(space), "failover", owner, camera);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*.ts", SearchOption.AllDirectories).Order() : [];
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        await Process.DisposeAsync();
        ProcessSweep.KillEverythingMentioning(Root);
        Directory.Delete(Root, recursive: true);
    }
}

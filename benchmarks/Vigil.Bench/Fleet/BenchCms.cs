using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Bench.Fleet;

/// <summary>
/// The real, unchanged <c>vigil cms</c> as a separate process (SQLite in a temporary data directory, or the
/// <see cref="BenchDatabase"/> chosen), with a client signed in as its first admin. A call the CMS does not answer in time fails with a
/// <see cref="TimeoutException"/>, never a cancellation, so an overwhelmed CMS ends a scenario, not the bench.
/// </summary>
public sealed class BenchCms : IAsyncDisposable
{
    /// <summary>A file to keep the CMS's whole output in when it ends, to see after a run what it did and when.</summary>
    public const string LogVariable = "VIGIL_BENCH_CMS_LOG";

    private const string Password = "bench-cms-admin-password";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(1);

    private readonly string _data;
    private readonly BenchDatabase _database;
    private readonly VigilProcess _process;
    private readonly HttpClient _http;

    private BenchCms(string data, BenchDatabase database, VigilProcess process, HttpClient http)
    {
        _data = data;
        _database = database;
        _process = process;
        _http = http;
    }

    public int ProcessId => _process.Id;

    public static async Task<BenchCms> StartAsync(CancellationToken cancellationToken)
    {
        var data = Directory.CreateTempSubdirectory("vigil-bench-cms-").FullName;
        var database = await BenchDatabase.CreateAsync(cancellationToken);
        VigilProcess? process = null;
        var http = new HttpClient { Timeout = CallTimeout };
        try
        {
            process = await VigilProcess.StartAsync(
                ["cms", "--data", data, "--urls", "http://127.0.0.1:0", "--name", "bench-cms", .. database.Arguments],
                new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = Password });
            http.BaseAddress = process.BaseUrl;
            var login = await Answer(() => Post<LoginRequest, LoginResponse>(http, CmsRoutes.Login, new LoginRequest("admin", Password), cancellationToken),
                "signing in", cancellationToken);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.Token);
            return new BenchCms(data, database, process, http);
        }
        catch
        {
            http.Dispose();
            if (process is not null)
            {
                await process.DisposeAsync();
            }

            await database.DisposeAsync();
            Directory.Delete(data, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the CMS process where it stands (SIGSTOP), as a host that froze or lost its CPU would; <see cref="Resume"/> lets it go on.</summary>
    public void Pause() => Signal("STOP");

    public void Resume() => Signal("CONT");

    public Task<SettingsView> SettingsAsync(CancellationToken cancellationToken) => GetAsync<SettingsView>(CmsRoutes.Settings, cancellationToken);

    public Task SaveSettingsAsync(SettingsView settings, CancellationToken cancellationToken) =>
        Answer(() => Put(_http, CmsRoutes.Settings, settings, cancellationToken), "saving the settings", cancellationToken);

    public async Task<IReadOnlyList<GroupView>> GroupsAsync(CancellationToken cancellationToken) =>
        (await GetAsync<GroupList>(CmsRoutes.Groups, cancellationToken)).Groups;

    public async Task<int> AddGroupAsync(string name, CancellationToken cancellationToken) =>
        (await Answer(() => Post<GroupRequest, GroupView>(_http, CmsRoutes.Groups, new GroupRequest(name), cancellationToken), $"adding group '{name}'", cancellationToken)).Id;

    /// <summary>
    /// Adds servers with one batch (naming rule <c>default</c>: each keeps its agent's name), trusting the certificate
    /// <paramref name="fingerprint"/> as an operator who compared it would; answers their ids in order.
    /// </summary>
    public async Task<IReadOnlyList<int>> AddBatchAsync(
        int groupId, ServerRoleName role, IReadOnlyList<ServerAddress> servers, string agentPassword, string fingerprint, CancellationToken cancellationToken)
    {
        var request = new BatchAddRequest(groupId, role, NamingRuleName.Default, null, agentPassword, servers, TrustedFingerprints: [fingerprint]);
        var added = await Answer(() => Post<BatchAddRequest, BatchAddResponse>(_http, CmsRoutes.ServerBatch, request, cancellationToken),
            $"adding a batch of {servers.Count} servers", cancellationToken);
        return added.Members.Select(m => m.ServerId ?? throw new InvalidOperationException($"The CMS did not add {m.Address}.")).ToList();
    }

    public Task<StatusSummary> StatusAsync(CancellationToken cancellationToken) => GetAsync<StatusSummary>(CmsRoutes.Status, cancellationToken);

    /// <summary>The newest <paramref name="limit"/> events of one server, newest first.</summary>
    public async Task<IReadOnlyList<EventView>> EventsOfAsync(int serverId, int limit, CancellationToken cancellationToken) =>
        (await GetAsync<EventList>($"{CmsRoutes.Events}?server={serverId}&limit={limit}", cancellationToken)).Events;

    /// <summary>The last <paramref name="count"/> warnings and errors the CMS logged, for a scenario that must say why the CMS did not do what it waited for.</summary>
    public IReadOnlyList<string> Warnings(int count) =>
        _process.Output.Split('\n').Where(l => l.StartsWith("warn", StringComparison.Ordinal) || l.StartsWith("fail", StringComparison.Ordinal)
            || l.StartsWith("crit", StringComparison.Ordinal)).TakeLast(count).ToList();

    public async ValueTask DisposeAsync()
    {
        // A CMS that stopped on its own during a scenario (it exited, or stopped serving to restart as a standby) says why.
        var output = _process.Output;
        if (_process.HasExited || output.Contains("no longer leads", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync("    the CMS stopped on its own; its warnings and errors:\n      " + string.Join("\n      ", Warnings(25)));
        }

        _http.Dispose();
        await _process.DisposeAsync();
        if (Environment.GetEnvironmentVariable(LogVariable) is { Length: > 0 } kept)
        {
            // Appended, so a scenario that starts several CMSs keeps each one's log.
            await File.AppendAllTextAsync(kept, _process.Output + "\n");
        }

        await _database.DisposeAsync();
        Directory.Delete(_data, recursive: true);
    }

    private void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        Answer(async () => (await _http.GetFromJsonAsync<T>(Relative(path), ContractJson.Options, cancellationToken))!, $"GET {path}", cancellationToken);

    private static async Task<TResponse> Post<TRequest, TResponse>(HttpClient http, string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(Relative(path), body, ContractJson.Options, cancellationToken);
        await EnsureAsync(response, path, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<TResponse>(ContractJson.Options, cancellationToken))!;
    }

    private static async Task<bool> Put<TRequest>(HttpClient http, string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await http.PutAsJsonAsync(Relative(path), body, ContractJson.Options, cancellationToken);
        await EnsureAsync(response, path, cancellationToken);
        return true;
    }

    /// <summary>Runs a call; HttpClient's own timeout (not <paramref name="cancellationToken"/>) becomes a <see cref="TimeoutException"/>.</summary>
    private static async Task<T> Answer<T>(Func<Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The CMS did not answer {what} within {CallTimeout.TotalSeconds:0} s.", e);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string path, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var problem = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"The CMS refused {path}: {(int)response.StatusCode} {problem}");
        }
    }

    private static string Relative(string route) => route.TrimStart('/');
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;
using Vigil.Testing.Updates;

namespace Vigil.Agent.Tests.Support;

/// <summary>
/// A real agent run from an installed layout (<c>ROOT/program/versions/0.1.0</c> beside <c>ROOT/program/current</c>, a
/// copy of the tests' build), over HTTPS on a fixed port, paired like a CMS: the client carries the CMS credential.
/// Not under systemd, so it restarts itself standalone after an update; every process it ever started is killed at the end.
/// </summary>
public sealed class InstalledAgent : IAsyncDisposable
{
    private InstalledAgent(string root, VigilProcess process, HttpClient http)
    {
        Root = root;
        Process = process;
        Http = http;
    }

    public string Root { get; }

    public string ProgramRoot => Path.Combine(Root, "program");

    public VigilProcess Process { get; }

    /// <summary>Signed in with the CMS credential from pairing.</summary>
    public HttpClient Http { get; }

    public static Task<InstalledAgent> StartAsync(params string[] extraArguments) => StartAsync(_ => Task.CompletedTask, extraArguments);

    /// <param name="prepare">Changes the root (its program layout, its data folder) before the agent first starts.</param>
    public static async Task<InstalledAgent> StartAsync(Func<string, Task> prepare, params string[] extraArguments)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        var root = Directory.CreateTempSubdirectory("vigil-installed-agent-").FullName;
        var executable = UpdateBuilds.InstallLayout(Path.Combine(root, "program"), UpdateBuilds.TestBuildVersion, UpdateBuilds.TestBuildProgram);
        await prepare(root);
        var port = FreePort();
        var arguments = new List<string>
        {
            "agent", "--data", Path.Combine(root, "data"), "--urls", $"https://127.0.0.1:{port}", "--name", "rec-update", "--space", Path.Combine(root, "space1"),
        };
        arguments.AddRange(extraArguments);
        var environment = new Dictionary<string, string?>
        {
            ["VIGIL_ADMIN_PASSWORD"] = AgentUnderTest.Password,

            // Whatever runs the tests, this agent is not a systemd service: it must restart itself.
            ["INVOCATION_ID"] = null,
            ["NOTIFY_SOCKET"] = null,
        };
        var process = await VigilProcess.StartProgramAsync(executable, arguments, environment);
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        var http = new HttpClient(handler) { BaseAddress = process.BaseUrl };
        var pairing = await http.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "cms-update", "cms-update-id"), ContractJson.Options);
        pairing.EnsureSuccessStatusCode();
        var credential = (await pairing.Content.ReadFromJsonAsync<PairingResponse>(ContractJson.Options))!.Credential;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        return new InstalledAgent(root, process, http);
    }

    public async Task<AgentUpdateStatus> UpdateStatusAsync() =>
        (await Http.GetFromJsonAsync<AgentUpdateStatus>(AgentRoutes.Update.TrimStart('/'), ContractJson.Options))!;

    /// <summary>POSTs <paramref name="package"/> (a file, or null for no body) with <paramref name="keys"/> in the keys header.</summary>
    public async Task<HttpResponseMessage> PostUpdateAsync(string? package, string? keys)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AgentRoutes.Update.TrimStart('/'));
        request.Content = package is null ? new ByteArrayContent([]) : new StreamContent(File.OpenRead(package));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (keys is not null)
        {
            request.Headers.Add(AgentRoutes.UpdateKeysHeader, keys);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Waits until the agent answers as <paramref name="version"/> with <paramref name="state"/>, across its restarts.</summary>
    public Task<AgentUpdateStatus> WaitForAsync(string version, string state) =>
        Eventually.GetAsync(async () =>
        {
            var status = await UpdateStatusAsync();
            return status.RunningVersion == version && status.State == state ? status : null;
        }, TimeSpan.FromSeconds(120), $"the agent to run {version} with update state {state}");

    public async Task<IReadOnlyList<Contracts.Agent.Recording>> RecordingsAsync(string camera) =>
        (await Http.GetFromJsonAsync<RecordingList>(
            $"{AgentRoutes.Recordings.TrimStart('/')}?owner={AgentRoutes.OwnRecordings}&camera={camera}&limit={RecordingList.MaxPageSize}", ContractJson.Options))!
            .Recordings.Where(r => r.Kind == RecordingKind.Video).OrderBy(r => r.Start).ToList();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();

        // First the processes started by the update (they hold the first one's output open), then the first one.
        ProcessSweep.KillEverythingMentioning(Root);
        await Process.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

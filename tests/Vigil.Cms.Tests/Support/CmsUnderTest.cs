using System.Net.Http.Headers;
using System.Net.Http.Json;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Support;

/// <summary>A real <c>vigil cms</c> process in a temporary data directory, with a client signed in as the first admin.</summary>
public sealed class CmsUnderTest : IAsyncDisposable
{
    public const string Password = "cms-admin-password";

    private readonly List<string> _arguments;

    private CmsUnderTest(string dataDirectory, List<string> arguments)
    {
        DataDirectory = dataDirectory;
        _arguments = arguments;
    }

    public string DataDirectory { get; }

    public VigilProcess Process { get; private set; } = null!;

    /// <summary>Signed in as <c>admin</c>.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>No credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    public static async Task<CmsUnderTest> StartAsync(TestDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var data = Directory.CreateTempSubdirectory("vigil-cms-test-").FullName;
        var arguments = new List<string> { "cms", "--data", data, "--urls", "http://127.0.0.1:0", "--name", "cms-under-test" };
        if (database.ConnectionString is { } connection)
        {
            arguments.AddRange(["--database", connection]);
        }

        var cms = new CmsUnderTest(data, arguments);
        await cms.StartAsync();
        return cms;
    }

    /// <summary>Starts the CMS (again) on the same data directory and database.</summary>
    public async Task StartAsync()
    {
        Http?.Dispose();
        Anonymous?.Dispose();
        Process = await VigilProcess.StartAsync(_arguments, new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = Password });
        Anonymous = new HttpClient { BaseAddress = Process.BaseUrl };
        Http = new HttpClient { BaseAddress = Process.BaseUrl };
        var login = await Anonymous.PostAsJsonAsync("api/v1/auth/session", new LoginRequest("admin", Password), ContractJson.Options);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<LoginResponse>(ContractJson.Options))!.Token;
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    public async Task RestartAsync()
    {
        await Process.DisposeAsync();
        await StartAsync();
    }

    public async Task<T> GetAsync<T>(string path) => (await Http.GetFromJsonAsync<T>(path.TrimStart('/'), ContractJson.Options))!;

    public Task<HttpResponseMessage> PostAsync<T>(string path, T body) => Http.PostAsJsonAsync(path.TrimStart('/'), body, ContractJson.Options);

    public Task<HttpResponseMessage> PutAsync<T>(string path, T body) => Http.PutAsJsonAsync(path.TrimStart('/'), body, ContractJson.Options);

    public Task<HttpResponseMessage> DeleteAsync(string path) => Http.DeleteAsync(path.TrimStart('/'));

    public async Task<ServerView> AddAsync(AddServerRequest request)
    {
        var response = await PostAsync(CmsRoutes.Servers, request);
        await response.ShouldHaveStatusAsync(System.Net.HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<ServerView>(ContractJson.Options))!;
    }

    public async Task<IReadOnlyList<ServerView>> ServersAsync(string query = "") =>
        (await GetAsync<ServerList>(CmsRoutes.Servers + query)).Servers;

    public async Task ReauthenticateAsync()
    {
        var response = await PostAsync(CmsRoutes.Reauthenticate, new ReauthenticationRequest("admin", Password));
        await response.ShouldHaveStatusAsync(System.Net.HttpStatusCode.OK);
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        Anonymous?.Dispose();
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        Directory.Delete(DataDirectory, recursive: true);
    }
}

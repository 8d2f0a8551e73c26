using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Hosting;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Support;

/// <summary>A real <c>vigil cms</c> process in a temporary data directory, with a client signed in as the first admin.</summary>
public sealed class CmsUnderTest : IAsyncDisposable
{
    public const string Password = "cms-admin-password";

    private readonly List<string> _arguments;
    private readonly string? _program;

    private CmsUnderTest(string dataDirectory, List<string> arguments, string? program)
    {
        DataDirectory = dataDirectory;
        _arguments = arguments;
        _program = program;
    }

    public string DataDirectory { get; }

    public VigilProcess Process { get; private set; } = null!;

    /// <summary>Signed in as <c>admin</c>.</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>No credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <param name="https">Serve https with the CMS's self-signed certificate, which the clients pin.</param>
    /// <param name="extra">More arguments for <c>vigil cms</c>.</param>
    /// <param name="program">Another vigil executable to run (e.g. a newer version's build) instead of the tests' own build.</param>
    public static async Task<CmsUnderTest> StartAsync(TestDatabase database, bool https = false, IReadOnlyList<string>? extra = null, string? program = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var data = Directory.CreateTempSubdirectory("vigil-cms-test-").FullName;
        var arguments = new List<string> { "cms", "--data", data, "--urls", https ? "https://127.0.0.1:0" : "http://127.0.0.1:0", "--name", "cms-under-test" };
        if (database.ConnectionString is { } connection)
        {
            arguments.AddRange(["--database", connection]);
        }

        arguments.AddRange(extra ?? []);

        var cms = new CmsUnderTest(data, arguments, program);
        await cms.StartAsync();
        return cms;
    }

    /// <summary>Starts the CMS (again) on the same data directory and database.</summary>
    public async Task StartAsync()
    {
        Http?.Dispose();
        Anonymous?.Dispose();
        Process = _program is null
            ? await VigilProcess.StartAsync(_arguments, new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = Password })
            : await VigilProcess.StartProgramAsync(_program, _arguments, new Dictionary<string, string?> { ["VIGIL_ADMIN_PASSWORD"] = Password });
        Anonymous = NewClient();
        Http = await SignInAsync("admin", Password);
    }

    /// <summary>A client of this CMS without credentials; over https it trusts only the certificate whose fingerprint the CMS printed.</summary>
    public HttpClient NewClient(CookieContainer? cookies = null)
    {
        var handler = new HttpClientHandler { AllowAutoRedirect = cookies is null, UseCookies = cookies is not null, CookieContainer = cookies ?? new CookieContainer() };
        if (Process.BaseUrl.Scheme == Uri.UriSchemeHttps)
        {
            var printed = Process.Find(@"fingerprint: (\S+)");
            handler.ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(SelfSignedCertificate.Fingerprint(certificate), printed, StringComparison.OrdinalIgnoreCase);
        }

        return new HttpClient(handler, disposeHandler: true) { BaseAddress = Process.BaseUrl };
    }

    /// <summary>A client signed in with a bearer token as <paramref name="user"/>.</summary>
    public async Task<HttpClient> SignInAsync(string user, string password)
    {
        var client = NewClient();
        var login = await client.PostAsJsonAsync("api/v1/auth/session", new LoginRequest(user, password), ContractJson.Options);
        await login.ShouldHaveStatusAsync(HttpStatusCode.OK);
        var token = (await login.Content.ReadFromJsonAsync<LoginResponse>(ContractJson.Options))!.Token;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Adds a user with <paramref name="role"/> as the first admin and returns a client signed in as them.</summary>
    public async Task<HttpClient> AddUserAsync(string name, string role, string password = "user-password")
    {
        var added = await PostAsync(CmsRoutes.Users, new AddUserRequest(name, role, password));
        await added.ShouldHaveStatusAsync(HttpStatusCode.Created);
        return await SignInAsync(name, password);
    }

    public async Task RestartAsync()
    {
        await Process.DisposeAsync();
        await StartAsync();
    }

    /// <remarks>A CMS that has exited (a lost lease exits with 75) is named with its exit code and last output lines, which a refused connection alone does not tell.</remarks>
    public async Task<T> GetAsync<T>(string path)
    {
        try
        {
            return (await Http.GetFromJsonAsync<T>(path.TrimStart('/'), ContractJson.Options))!;
        }
        catch (HttpRequestException e) when (Process.HasExited)
        {
            var code = await Process.WaitForExitAsync(TimeSpan.FromSeconds(5));
            throw new InvalidOperationException(
                $"{Process.Description} exited with {code} before it answered GET {path}; its last output:\n{string.Join('\n', Process.Output.Split('\n').TakeLast(30))}", e);
        }
    }

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

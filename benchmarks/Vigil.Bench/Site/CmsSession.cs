using System.Net.Http.Headers;
using System.Net.Http.Json;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Bench.Site;

/// <summary>The CMS API signed in as its first admin, for scenarios that drive a real CMS.</summary>
public sealed class CmsSession : IDisposable
{
    private readonly HttpClient _http;

    private CmsSession(HttpClient http) => _http = http;

    public static async Task<CmsSession> SignInAsync(Uri cms, string password, CancellationToken cancellationToken)
    {
        var http = new HttpClient { BaseAddress = cms, Timeout = TimeSpan.FromSeconds(120) };
        var login = await http.PostAsJsonAsync(CmsRoutes.Login.TrimStart('/'), new LoginRequest("admin", password), ContractJson.Options, cancellationToken);
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<LoginResponse>(ContractJson.Options, cancellationToken))!.Token;
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new CmsSession(http);
    }

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        (await _http.GetFromJsonAsync<T>(path.TrimStart('/'), ContractJson.Options, cancellationToken))!;

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = JsonContent.Create(body, body.GetType(), options: ContractJson.Options) };
        using var response = await _http.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return (await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken))!;
    }

    public void Dispose() => _http.Dispose();
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Text.Json;
using Vigil.Contracts;
using Vigil.Hosting;

namespace Vigil.Cli.Admin;

/// <summary>
/// The admin client's HTTP side. Over https it trusts only the CMS certificate fingerprint pinned at
/// login; a refusal becomes a <see cref="CliFailure"/> carrying the problem's detail and rule.
/// </summary>
internal sealed class CmsClient : IDisposable
{
    private readonly HttpClient _http;

    /// <summary>For uploads (update packages: tens of megabytes), which may take longer than any other call; same connections.</summary>
    private readonly HttpClient _transfer;

    public CmsClient(Uri cms, string? token, string? pinnedFingerprint)
    {
        Cms = cms;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null)
                    {
                        return false;
                    }

                    SeenFingerprint = SelfSignedCertificate.Fingerprint(certificate);
                    return pinnedFingerprint is null || string.Equals(pinnedFingerprint, SeenFingerprint, StringComparison.OrdinalIgnoreCase);
                },
            },
        };
        _http = new HttpClient(handler) { BaseAddress = cms, Timeout = TimeSpan.FromSeconds(100) };
        _transfer = new HttpClient(handler, disposeHandler: false) { BaseAddress = cms, Timeout = TimeSpan.FromMinutes(30) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            _transfer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public Uri Cms { get; }

    public string? SeenFingerprint { get; private set; }

    public static CmsClient FromSession()
    {
        var session = CliSession.Load() ?? throw new CliFailure("Not logged in: run 'vigil login --cms URL --user admin --password P' first.", exitCode: 2);
        return new CmsClient(session.Cms, session.Token, session.Fingerprint);
    }

    public Task<T> GetAsync<T>(string path) => SendAsync<T>(HttpMethod.Get, path, null);

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body)
    {
        using var response = await RawAsync(method, path, body).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<T>(ContractJson.Options).ConfigureAwait(false))!;
    }

    public async Task SendAsync(HttpMethod method, string path, object? body = null)
    {
        using var response = await RawAsync(method, path, body).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="file"/> as the body, telling <paramref name="progress"/> how many bytes went so far.</summary>
    public async Task<T> UploadAsync<T>(string path, string file, IProgress<long> progress)
    {
        var stream = new ProgressStream(File.OpenRead(file), progress);
        await using (stream.ConfigureAwait(false))
        {
            var content = new StreamContent(stream, 128 * 1024);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = new FileInfo(file).Length;
            using var response = await RawAsync(HttpMethod.Post, path, content, _transfer).ConfigureAwait(false);
            return (await response.Content.ReadFromJsonAsync<T>(ContractJson.Options).ConfigureAwait(false))!;
        }
    }

    public void Dispose()
    {
        _transfer.Dispose();
        _http.Dispose();
    }

    private Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, object? body) =>
        RawAsync(method, path, body is null ? null : JsonContent.Create(body, body.GetType(), options: ContractJson.Options), _http);

    private async Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, HttpContent? content, HttpClient client)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await client.SendAsync(request).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new CliFailure($"Cannot reach the CMS at {Cms}: {e.Message}", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            var (detail, rule) = ReadProblem(text);
            if (response.StatusCode == System.Net.HttpStatusCode.Unauthorized && rule is null)
            {
                throw new CliFailure("The CMS did not accept the saved login (expired or signed out): run 'vigil login' again.", "auth.required");
            }

            throw new CliFailure(detail ?? $"{(int)response.StatusCode} {response.ReasonPhrase}", rule) { Data = { ["problem"] = text } };
        }
    }

    private static (string? Detail, string? Rule) ReadProblem(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var detail = root.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var rule = root.TryGetProperty("rule", out var r) ? r.GetString() : null;
            if (root.TryGetProperty("members", out var members))
            {
                var lines = members.EnumerateArray()
                    .SelectMany(m => m.GetProperty("refusals").EnumerateArray().Select(x => $"\n  {Address(m)}: {x.GetProperty("message").GetString()}"));
                detail += string.Concat(lines);
            }
            else if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 1)
            {
                detail += string.Concat(errors.EnumerateArray().Skip(1).Select(e => $"\n  also: {e.GetProperty("message").GetString()}"));
            }

            return (detail, rule);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string Address(JsonElement member)
    {
        var address = member.GetProperty("address");
        return $"{address.GetProperty("host").GetString()}:{address.GetProperty("port").GetInt32()}";
    }
}

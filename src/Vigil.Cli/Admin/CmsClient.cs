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
/// Given several CMS hosts (one leader and its standbys), it sends each call to the host that answered
/// last and moves on to the next when one cannot be reached or answers 503 (a standby, or a host
/// restarting): the token is valid on every host, since the hosts share one database.
/// </summary>
internal sealed class CmsClient : IDisposable
{
    private readonly CmsChannel[] _channels;
    private int _current;

    public CmsClient(Uri cms, string? token, string? pinnedFingerprint)
        : this([new CmsEndpoint(cms, pinnedFingerprint)], token)
    {
    }

    public CmsClient(IReadOnlyList<CmsEndpoint> endpoints, string? token)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        _channels = [.. endpoints.Select(e => new CmsChannel(e, token))];
    }

    /// <summary>The host the last call went to.</summary>
    public Uri Cms => _channels[_current].Endpoint.Address;

    /// <summary>The certificate fingerprint the host of the last call presented, over https.</summary>
    public string? SeenFingerprint => _channels[_current].SeenFingerprint;

    public static CmsClient FromSession()
    {
        var session = CliSession.Load() ?? throw new CliFailure("Not logged in: run 'vigil login --cms URL --user admin --password P' first.", exitCode: 2);
        return new CmsClient(session.Endpoints(), session.Token);
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
        HttpContent Content()
        {
            // Opened again for each host tried: a body already sent to a host that then failed cannot be sent twice.
            var content = new StreamContent(new ProgressStream(File.OpenRead(file), progress), 128 * 1024);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Headers.ContentLength = new FileInfo(file).Length;
            return content;
        }

        using var response = await RawAsync(HttpMethod.Post, path, Content, transfer: true).ConfigureAwait(false);
        return (await response.Content.ReadFromJsonAsync<T>(ContractJson.Options).ConfigureAwait(false))!;
    }

    public void Dispose()
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
    }

    private Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, object? body) =>
        RawAsync(method, path, () => body is null ? null : JsonContent.Create(body, body.GetType(), options: ContractJson.Options), transfer: false);

    private async Task<HttpResponseMessage> RawAsync(HttpMethod method, string path, Func<HttpContent?> content, bool transfer)
    {
        HttpResponseMessage? response = null;
        HttpRequestException? unreachable = null;
        var unreachableHosts = new List<Uri>();
        for (var tried = 0; tried < _channels.Length; tried++)
        {
            var index = (_current + tried) % _channels.Length;
            var channel = _channels[index];
            using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content() };
            response?.Dispose();
            response = null;
            try
            {
                response = await (transfer ? channel.Transfer : channel.Http).SendAsync(request).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                unreachable = e;
                unreachableHosts.Add(channel.Endpoint.Address);
                continue;
            }

            _current = index;
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable)
            {
                break;
            }
        }

        if (response is null)
        {
            throw new CliFailure($"Cannot reach the CMS at {string.Join(", ", unreachableHosts)}: {unreachable!.Message}", unreachable);
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

    /// <summary>One CMS host's connections: calls, and uploads that may take longer than any other call.</summary>
    private sealed class CmsChannel : IDisposable
    {
        public CmsChannel(CmsEndpoint endpoint, string? token)
        {
            Endpoint = endpoint;
            var handler = new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    {
                        if (certificate is null)
                        {
                            return false;
                        }

                        SeenFingerprint = SelfSignedCertificate.Fingerprint(certificate);
                        return endpoint.Fingerprint is null || string.Equals(endpoint.Fingerprint, SeenFingerprint, StringComparison.OrdinalIgnoreCase);
                    },
                },
            };
            Http = new HttpClient(handler) { BaseAddress = endpoint.Address, Timeout = TimeSpan.FromSeconds(100) };
            Transfer = new HttpClient(handler, disposeHandler: false) { BaseAddress = endpoint.Address, Timeout = TimeSpan.FromMinutes(30) };
            if (token is not null)
            {
                Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
                Transfer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
        }

        public CmsEndpoint Endpoint { get; }

        public HttpClient Http { get; }

        public HttpClient Transfer { get; }

        public string? SeenFingerprint { get; private set; }

        public void Dispose()
        {
            Transfer.Dispose();
            Http.Dispose();
        }
    }
}

/// <summary>A CMS host's address and, over https, the fingerprint of the certificate trusted for it at login.</summary>
internal sealed record CmsEndpoint(Uri Address, string? Fingerprint);

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vigil.Contracts;
using Vigil.Hosting;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Agents;

/// <summary>
/// The CMS's side of the agent API for one agent. Over https it accepts only the pinned certificate;
/// with no fingerprint pinned yet it accepts the first one it sees and reports it in <see cref="SeenFingerprint"/>.
/// </summary>
public sealed class AgentClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly string? _pinned;

    public AgentClient(AgentEndpoint endpoint, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        _pinned = endpoint.PinnedFingerprint;
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = CheckCertificate },
        };
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseUri, Timeout = timeout };
        _http.DefaultRequestHeaders.Authorization = endpoint.Credential is { } credential
            ? new AuthenticationHeaderValue("Bearer", credential)
            : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{endpoint.AdminPassword}")));
    }

    public AgentEndpoint Endpoint { get; }

    /// <summary>The fingerprint of the certificate the agent presented on this client's connections (https only).</summary>
    public string? SeenFingerprint { get; private set; }

    public Task<AgentInfo> InfoAsync(CancellationToken cancellationToken) =>
        SendAsync<AgentInfo>(HttpMethod.Get, AgentRoutes.Info, null, cancellationToken);

    public Task<AgentHealth> HealthAsync(CancellationToken cancellationToken) =>
        SendAsync<AgentHealth>(HttpMethod.Get, AgentRoutes.Health, null, cancellationToken);

    public Task<PairingResponse> PairAsync(string password, string cmsName, CancellationToken cancellationToken) =>
        SendAsync<PairingResponse>(HttpMethod.Post, AgentRoutes.Pairing, new PairingRequest(password, cmsName), cancellationToken);

    public void Dispose() => _http.Dispose();

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ContractJson.Options);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw Untrusted(e);
        }
        catch (HttpRequestException e)
        {
            throw new AgentCallException(AgentCallException.Rules.Unreachable, $"The agent at {Endpoint.Address} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AgentCallException(AgentCallException.Rules.Unreachable, $"The agent at {Endpoint.Address} did not answer within {_http.Timeout.TotalSeconds:0.#} s.", e);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await response.Content.ReadFromJsonAsync<T>(ContractJson.Options, cancellationToken).ConfigureAwait(false)
                        ?? throw new JsonException("empty body");
                }
                catch (Exception e) when (e is JsonException or NotSupportedException)
                {
                    throw new AgentCallException(AgentCallException.Rules.NotAnAgent, $"{Endpoint.Address} answered, but not as a Vigil agent does: {e.Message}", e);
                }
            }

            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AgentCallException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var detail = await ProblemDetailAsync(response, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized when Endpoint.Credential is null =>
                new AgentCallException(AgentCallException.Rules.WrongPassword, $"The agent at {Endpoint.Address} refused the admin password."),
            HttpStatusCode.Unauthorized =>
                new AgentCallException(AgentCallException.Rules.CredentialRejected,
                    $"The agent at {Endpoint.Address} no longer accepts the CMS's credential; edit the server and give its admin password to pair again."),
            HttpStatusCode.TooManyRequests =>
                new AgentCallException(AgentCallException.Rules.Refused, $"The agent at {Endpoint.Address} refuses for now: {detail}"),
            HttpStatusCode.NotFound =>
                new AgentCallException(AgentCallException.Rules.NotAnAgent, $"{Endpoint.Address} is not a Vigil agent (404 on the agent API)."),
            _ => new AgentCallException(AgentCallException.Rules.Refused, $"The agent at {Endpoint.Address} refused: {(int)response.StatusCode} {detail}"),
        };
    }

    private static async Task<string> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? string.Empty : string.Empty;
        }
        catch (JsonException)
        {
            return response.ReasonPhrase ?? string.Empty;
        }
    }

    private AgentCallException Untrusted(Exception e) => SeenFingerprint is { } seen && _pinned is not null
        ? new AgentCallException(AgentCallException.Rules.CertificateChanged,
            $"The agent at {Endpoint.Address} presented a certificate with fingerprint {seen}, not the pinned {_pinned}. If the agent's certificate was replaced on purpose, edit the server and give its admin password to trust the new one.", e)
        : new AgentCallException(AgentCallException.Rules.Unreachable, $"No TLS connection to {Endpoint.Address}: {e.Message}", e);

    private bool CheckCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            return false;
        }

        SeenFingerprint = SelfSignedCertificate.Fingerprint(certificate);
        return _pinned is null || string.Equals(_pinned, SeenFingerprint, StringComparison.OrdinalIgnoreCase);
    }
}

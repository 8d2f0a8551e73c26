using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Hosting.Transfers;

namespace Vigil.Cms.Agents;

/// <summary>
/// The CMS's side of the agent API for one agent. Over https it accepts only the pinned certificate; with no
/// fingerprint pinned it sends no secret (the constructor refuses one), accepts any certificate and reports it in
/// <see cref="SeenFingerprint"/>, so the operator can decide whether to trust it.
/// </summary>
internal sealed class AgentClient : IAgentApi, IDisposable
{
    private readonly HttpClient _http;
    private readonly HttpClient _transfer;
    private readonly HttpClient _stream;
    private readonly HttpClient? _monitor;

    // Not disposed with the client: a call left to finish after its caller gave up releases it later, and a
    // SemaphoreSlim whose wait handle nobody asked for holds nothing to free.
    private readonly SemaphoreSlim _monitorTurn = new(1);
    private volatile bool _closed;
    private readonly string? _pinned;
    private readonly TimeProvider _time;

    /// <summary>How long a pull may write nothing before the CMS takes it for dead: three of the agent's heartbeats.</summary>
    public static readonly TimeSpan PullSilence = RestorePullReport.Heartbeat * 3;

    /// <summary>
    /// How long an update package may take to reach the agent and be verified and installed there: tens of megabytes, far
    /// beyond the few seconds every other call gets, so it has a client of its own on the same connections.
    /// </summary>
    public static readonly TimeSpan UpdateTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The most a buffered agent response may hold: a misbehaving or hostile agent cannot make the CMS hold an unbounded
    /// body in memory. Recording contents are streamed, not buffered, and do not count against it.
    /// </summary>
    public const long MaxResponseBytes = 64L * 1024 * 1024;

    /// <summary>
    /// How long the shared HTTP/2 connection stays open without a call. A paired agent's probes and inventory copies
    /// travel on its monitor connection, so at rest this one closes and the CMS holds one open file per agent, and
    /// one more only for an agent it is giving a command.
    /// </summary>
    public static readonly TimeSpan SharedConnectionIdle = TimeSpan.FromSeconds(30);

    /// <param name="time">The clock that times a pull's silence (the paired servers' clients get the CMS's own).</param>
    public AgentClient(AgentEndpoint endpoint, TimeSpan timeout, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);

        // By construction, no secret goes to an https agent whose certificate nobody has decided to trust.
        if (endpoint.Address.Https && endpoint.PinnedFingerprint is null && (endpoint.Credential is not null || endpoint.AdminPassword is not null))
        {
            throw new InvalidOperationException($"A secret may be sent to {endpoint.Address} only over a pinned certificate.");
        }

        Endpoint = endpoint;
        _pinned = endpoint.PinnedFingerprint;
        _time = time ?? TimeProvider.System;
        var handler = Handler(timeout);
        handler.PooledConnectionIdleTimeout = SharedConnectionIdle;
        _http = new HttpClient(handler) { BaseAddress = endpoint.BaseUri, Timeout = timeout, MaxResponseContentBufferSize = MaxResponseBytes };
        _transfer = new HttpClient(handler, disposeHandler: false) { BaseAddress = endpoint.BaseUri, Timeout = UpdateTimeout, MaxResponseContentBufferSize = MaxResponseBytes };

        // A recording of an hour is a gigabyte: its copy may take as long as it needs while bytes flow, and the restorer ends one that stalls.
        _stream = new HttpClient(handler, disposeHandler: false)
        {
            BaseAddress = endpoint.BaseUri, Timeout = Timeout.InfiniteTimeSpan, MaxResponseContentBufferSize = MaxResponseBytes,
        };
        var authorization = (endpoint.Credential, endpoint.AdminPassword) switch
        {
            ({ } credential, _) => new AuthenticationHeaderValue("Bearer", credential),
            (_, { } password) => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{password}"))),
            _ => null,
        };
        // A paired agent is probed every second for as long as it is managed: its probes and inventory copies get a
        // connection of their own (see MonitorAsync). The short-lived clients that add a server have none.
        if (endpoint.Credential is not null)
        {
            var monitorHandler = Handler(timeout);
            monitorHandler.MaxConnectionsPerServer = 1;
            _monitor = new HttpClient(monitorHandler) { BaseAddress = endpoint.BaseUri, Timeout = timeout, MaxResponseContentBufferSize = MaxResponseBytes };
        }

        foreach (var client in new[] { _http, _transfer, _stream, _monitor })
        {
            if (client is null)
            {
                continue;
            }

            client.DefaultRequestHeaders.Authorization = authorization;
            if (endpoint.LeaderTerm is { } term)
            {
                client.DefaultRequestHeaders.Add(AgentRoutes.LeaderTermHeader, term.ToString(CultureInfo.InvariantCulture));
            }
        }
    }

    public AgentEndpoint Endpoint { get; }

    /// <summary>The fingerprint of the certificate the agent presented on this client's connections (https only).</summary>
    public string? SeenFingerprint { get; private set; }

    public Task<AgentInfo> InfoAsync(CancellationToken cancellationToken) => MonitorAsync<AgentInfo>(AgentRoutes.Info, cancellationToken);

    public Task<AgentHealth> HealthAsync(CancellationToken cancellationToken) => MonitorAsync<AgentHealth>(AgentRoutes.Health, cancellationToken);

    /// <summary>Who answers at the address, asked without any secret; over https <see cref="SeenFingerprint"/> then holds its certificate's fingerprint.</summary>
    public Task<AgentIdentityView> IdentityAsync(CancellationToken cancellationToken) =>
        SendAsync<AgentIdentityView>(HttpMethod.Get, AgentRoutes.Identity, null, cancellationToken);

    public Task<PairingResponse> PairAsync(string password, string cmsName, string cmsId, CancellationToken cancellationToken) =>
        SendAsync<PairingResponse>(HttpMethod.Post, AgentRoutes.Pairing, new PairingRequest(password, cmsName, cmsId), cancellationToken);

    /// <summary>Sets a new admin password (this client speaks with the current one); the agent ends every credential it issued.</summary>
    public Task ChangeAdminPasswordAsync(string newPassword, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, AgentRoutes.AdminPassword, new AdminPasswordChange(newPassword), cancellationToken);

    public Task RevokeCredentialAsync(CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, AgentRoutes.Pairing, null, cancellationToken);

    public void Dispose()
    {
        // Before the connections close: a call they cut short then says the client closed, not that the agent fell silent.
        _closed = true;
        _monitor?.Dispose();
        _stream.Dispose();
        _transfer.Dispose();
        _http.Dispose();
    }

    public Task<TakeoverStatus> TakeOverAsync(string key, TakeoverRequest request, CancellationToken cancellationToken) =>
        SendAsync<TakeoverStatus>(HttpMethod.Put, AgentRoutes.Takeover(key), request, cancellationToken);

    // An agent that never heard of a takeover key (its takeover command never arrived) holds nothing for it: releasing,
    // discarding or removing its footage is then done, not an error.
    public async Task ReleaseAsync(string key, long epoch, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"{AgentRoutes.Takeover(key)}?epoch={epoch}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e) when (e.Rule == AgentCallException.Rules.TakeoverUnknown)
        {
        }
    }

    public async Task DiscardFootageAsync(string key, long epoch, CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(HttpMethod.Delete, $"{AgentRoutes.TakeoverRecordings(key)}?epoch={epoch}", null, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e) when (e.Rule == AgentCallException.Rules.TakeoverUnknown)
        {
        }
    }

    public async Task<FootageRemovalResult> RemoveFootageAsync(string key, FootageRemoval removal, CancellationToken cancellationToken)
    {
        try
        {
            return await SendAsync<FootageRemovalResult>(HttpMethod.Post, AgentRoutes.TakeoverRecordingsRemoval(key), removal, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e) when (e.Rule == AgentCallException.Rules.TakeoverUnknown)
        {
            return new FootageRemovalResult(0, 0);
        }
    }

    public Task<IReadOnlyList<CameraConfig>> CamerasAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<CameraConfig>>(HttpMethod.Get, AgentRoutes.Cameras, null, cancellationToken);

    public Task RemoveCameraAsync(string cameraId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Delete, AgentRoutes.Camera(cameraId), null, cancellationToken);

    public Task MoveLicensesAsync(int channels, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, AgentRoutes.License, new LicenseRequest(channels), cancellationToken);

    public Task AddCameraAsync(CameraConfig camera, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, AgentRoutes.Cameras, camera, cancellationToken);

    public Task<RecordingList> RecordingsAsync(string owner, DateTimeOffset? from, DateTimeOffset? to, long? after, CancellationToken cancellationToken)
    {
        var query = (from is null ? string.Empty : $"&from={Uri.EscapeDataString(from.Value.ToString("O", CultureInfo.InvariantCulture))}")
            + (to is null ? string.Empty : $"&to={Uri.EscapeDataString(to.Value.ToString("O", CultureInfo.InvariantCulture))}")
            + (after is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"&after={after}"));
        return SendAsync<RecordingList>(HttpMethod.Get, $"{AgentRoutes.Recordings}?owner={Uri.EscapeDataString(owner)}{query}", null, cancellationToken);
    }

    public async Task ReadRecordingAsync(long recordingId, long offset, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consume);
        using var request = new HttpRequestMessage(HttpMethod.Get, AgentRoutes.RecordingContent(recordingId).TrimStart('/'));
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken, _stream).ConfigureAwait(false);
        if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            throw new AgentCallException(AgentCallException.Rules.NotAnAgent,
                $"{Endpoint.Address} answered a read of recording {recordingId} from byte {offset} with the whole file, which no Vigil agent does.");
        }

        var content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            await consume(content).ConfigureAwait(false);
        }
    }

    public Task GrantFootageAsync(string key, FootageGrant grant, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, AgentRoutes.TakeoverGrant(key), grant, cancellationToken);

    public async Task PullAsync(RestorePull pull, Func<RestorePullReport, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        using var silence = new StallWatch(PullSilence, _time, cancellationToken);
        using var request = Request(HttpMethod.Post, AgentRoutes.RestoredRecordingsPull, pull);
        try
        {
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, silence.Token, _stream).ConfigureAwait(false);
            using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(silence.Token).ConfigureAwait(false));
            while (await lines.ReadLineAsync(silence.Token).ConfigureAwait(false) is { } line)
            {
                silence.Progressed();
                var reportLine = JsonSerializer.Deserialize<RestorePullReport>(line, ContractJson.Options)
                    ?? throw new AgentCallException(AgentCallException.Rules.NotAnAgent, $"{Endpoint.Address} wrote an empty line in a pull's progress.");
                if (reportLine.End)
                {
                    return;
                }

                if (reportLine.Rule is { } rule)
                {
                    throw new AgentCallException(rule switch
                    {
                        SpaceFullRule => AgentCallException.Rules.SpaceFull,
                        RestorePullReport.SourceUnreachable => AgentCallException.Rules.SourceUnreachable,
                        _ => AgentCallException.Rules.Refused,
                    }, $"The recording server at {Endpoint.Address} stopped fetching footage: {reportLine.Problem}");
                }

                await report(reportLine).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (silence.Stalled && !cancellationToken.IsCancellationRequested)
        {
            throw new AgentCallException(AgentCallException.Rules.Stalled,
                $"The recording server at {Endpoint.Address} wrote nothing about its pull for {PullSilence.TotalSeconds:0} s; the next attempt resumes from what arrived.", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            throw new AgentCallException(AgentCallException.Rules.Unreachable, $"The pull on {Endpoint.Address} broke off ({e.Message}); the next attempt resumes from what arrived.", e);
        }

        throw new AgentCallException(AgentCallException.Rules.Unreachable, $"The pull on {Endpoint.Address} ended before it said it was done; the next attempt resumes from what arrived.");
    }

    public Task<RestoreCheckResult> CheckRestoredAsync(RestoreCheck check, CancellationToken cancellationToken) =>
        SendAsync<RestoreCheckResult>(HttpMethod.Post, AgentRoutes.RestoredRecordingsCheck, check, cancellationToken);

    public async Task<Recording> RestoreAsync(RestoredRecording recording, long offset, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        using var request = new HttpRequestMessage(HttpMethod.Put, $"{AgentRoutes.RestoredRecordings.TrimStart('/')}?{recording.ToQuery(offset)}")
        {
            Content = new StreamContent(content),
        };
        request.Content.Headers.ContentLength = recording.Bytes - offset;
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken, _stream).ConfigureAwait(false);
        return await ReadAsync<Recording>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<AgentUpdateStatus> SendUpdateAsync(Stream package, long bytes, IReadOnlyList<string> trustedKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        using var request = new HttpRequestMessage(HttpMethod.Post, AgentRoutes.Update.TrimStart('/')) { Content = new StreamContent(package) };
        request.Content.Headers.ContentLength = bytes;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add(AgentRoutes.UpdateKeysHeader, string.Join(',', trustedKeys));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken, _transfer).ConfigureAwait(false);
        return await ReadAsync<AgentUpdateStatus>(response, cancellationToken).ConfigureAwait(false);
    }

    public Task<AgentUpdateStatus> UpdateStatusAsync(CancellationToken cancellationToken) =>
        SendAsync<AgentUpdateStatus>(HttpMethod.Get, AgentRoutes.Update, null, cancellationToken);

    /// <summary>
    /// A probe or an inventory copy of a paired agent, on its monitor connection: HTTP/1.1, one call at a time.
    /// An HTTP/1.1 request and answer cost the CMS and the agent less than an HTTP/2 stream, and the monitor sends an
    /// agent's copy after its probe, so they take the connection in turn. A call that finds the connection busy waits
    /// for its turn within its own timeout; it never opens a second connection. On a CMS short of CPU, whose probes
    /// time out by the thousand, taking another connection for each of them would soon pass the process's limit of
    /// open files (20 000 here, 11 000 agents in the mass-failure bench). A caller that stops waiting (a probe's
    /// timeout) leaves its call to finish on the connection: a late answer is read and the connection kept, where
    /// cancelling an HTTP/1.1 call would close it and cost the next one a TLS handshake; only a call silent for the
    /// whole call timeout closes it. A call whose caller gave up while it waited for its turn is never sent.
    /// </summary>
    private async Task<T> MonitorAsync<T>(string path, CancellationToken cancellationToken)
    {
        if (_monitor is null)
        {
            return await SendAsync<T>(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
        }

        await _monitorTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        var call = SendOnMonitorAsync<T>(_monitor, path);
        try
        {
            return await call.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Nobody awaits the call any more; its failure, if it fails, is seen here rather than left unobserved.
            _ = call.ContinueWith(static c => c.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>Sends one call on the monitor connection, whose turn the caller holds, and hands the turn on when it ends.</summary>
    private async Task<T> SendOnMonitorAsync<T>(HttpClient monitor, string path)
    {
        try
        {
            using var request = Request(HttpMethod.Get, path, null);
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None, monitor).ConfigureAwait(false);
            return await ReadAsync<T>(response, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _monitorTurn.Release();
        }
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body);
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = Request(method, path, body);
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ContractJson.Options);
        }

        return request;
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
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

    /// <summary>Sends a request; returns the response if it succeeded, else throws the matching <see cref="AgentCallException"/>.</summary>
    private async Task<HttpResponseMessage> SendRawAsync(
        HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken, HttpClient? client = null)
    {
        HttpResponseMessage response;
        client ??= _http;

        // Every call but those on the monitor connection asks for HTTP/2 where the agent offers it (https, by ALPN;
        // plain http stays HTTP/1.1): commands, restores and updates share one connection per agent, never one per call
        // in flight, and it closes when idle. So the CMS holds one open file per agent, and a second only for an agent
        // it is giving a command: that is what lets one CMS hold 10 000 agents within its open-file limit.
        request.Version = client == _monitor ? HttpVersion.Version11 : HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        try
        {
            response = await client.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (_closed && !cancellationToken.IsCancellationRequested)
        {
            throw new AgentCallException(AgentCallException.Rules.ClientClosed,
                $"The CMS closed its client of the agent at {Endpoint.Address} (the server's address, certificate or credential changed, or it was removed) during the call.", e);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            throw Untrusted(e);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConfigurationLimitExceeded)
        {
            throw new AgentCallException(AgentCallException.Rules.NotAnAgent,
                $"{Endpoint.Address} answered with more than {MaxResponseBytes / (1024 * 1024)} MiB, which no Vigil agent does; not reading it.", e);
        }
        catch (HttpRequestException e)
        {
            throw new AgentCallException(AgentCallException.Rules.Unreachable, $"The agent at {Endpoint.Address} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AgentCallException(AgentCallException.Rules.Unreachable, $"The agent at {Endpoint.Address} did not answer within {client.Timeout.TotalSeconds:0.#} s.", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await FailureAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<AgentCallException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var (detail, rule) = await ProblemAsync(response, cancellationToken).ConfigureAwait(false);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound when rule == UnknownTakeoverRule =>
                new AgentCallException(AgentCallException.Rules.TakeoverUnknown, $"The agent at {Endpoint.Address} holds no takeover of that key: {detail}"),
            HttpStatusCode.Unauthorized when Endpoint.Credential is null =>
                new AgentCallException(AgentCallException.Rules.WrongPassword, $"The agent at {Endpoint.Address} refused the admin password."),
            HttpStatusCode.Unauthorized =>
                new AgentCallException(AgentCallException.Rules.CredentialRejected,
                    $"The agent at {Endpoint.Address} no longer accepts the CMS's credential; edit the server and give its admin password to pair again."),
            HttpStatusCode.InsufficientStorage when rule == SpaceFullRule =>
                new AgentCallException(AgentCallException.Rules.SpaceFull, $"The agent at {Endpoint.Address} has no room: {detail}"),
            HttpStatusCode.TooManyRequests =>
                new AgentCallException(AgentCallException.Rules.Refused, $"The agent at {Endpoint.Address} refuses for now: {detail}"),
            HttpStatusCode.NotFound =>
                new AgentCallException(AgentCallException.Rules.NotAnAgent, $"{Endpoint.Address} is not a Vigil agent (404 on the agent API)."),
            _ => new AgentCallException(AgentCallException.Rules.Refused, $"The agent at {Endpoint.Address} refused: {(int)response.StatusCode} {detail}"),
        };
    }

    /// <summary>The agent's rule for a takeover key it never heard of.</summary>
    private const string UnknownTakeoverRule = "takeover.not-found";

    /// <summary>The agent's rule for a restored recording its space cannot hold above the reserve.</summary>
    private const string SpaceFullRule = "restore.space-full";

    private static async Task<(string Detail, string? Rule)> ProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
            var root = document.RootElement;
            return (root.TryGetProperty("detail", out var detail) ? detail.GetString() ?? string.Empty : string.Empty,
                root.TryGetProperty("rule", out var rule) ? rule.GetString() : null);
        }
        catch (JsonException)
        {
            return (response.ReasonPhrase ?? string.Empty, null);
        }
    }

    /// <param name="timeout">How long a connection may take to open.</param>
    private SocketsHttpHandler Handler(TimeSpan timeout) => new()
    {
        ConnectTimeout = timeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),

        // An agent never redirects: a call is answered by the agent it was aimed at (and pinned to), or it fails.
        AllowAutoRedirect = false,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = CheckCertificate,

            // Trust is the pinned fingerprint alone (CheckCertificate), so the chain the runtime builds before asking is never
            // read. Built against the system's roots it cost a fifth of the CMS's TLS work while adding servers (OpenSSL
            // sorting the roots' names for every handshake); against an empty store of its own that work leaves the profile.
            CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
                DisableCertificateDownloads = true,
            },
        },
    };

    // A connection dropped during its handshake is not a changed certificate: the one seen before may well be the pinned one.
    private AgentCallException Untrusted(Exception e) => SeenFingerprint is { } seen && _pinned is not null && !string.Equals(seen, _pinned, StringComparison.OrdinalIgnoreCase)
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

using System.Net.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Leadership;

/// <summary>
/// Carries a request that a standby host received to the leader, as it came (method, path, query, body, the caller's
/// cookie or token), and streams the leader's answer back, the console's live stream included: so every host serves the
/// API and the console, and a client that knows one address of the site keeps working while that host stands by.
/// The standby has already authenticated and authorised the caller against the shared database; the leader does both
/// again. Over TLS the leader must show the certificate it published with its lease, and a request that reached this
/// host over https never goes on over plain http.
/// </summary>
internal sealed partial class LeaderForwarder(HostLeadership leadership, ILogger<LeaderForwarder> logger) : IDisposable
{
    /// <summary>Names the standby that forwarded a request; a request that carries it is not forwarded again (no loops between standbys).</summary>
    public const string ForwardedByHeader = "X-Vigil-Forwarded-By";

    /// <summary>How long the leader may take to begin its answer; the answer itself (a live stream) may last as long as the caller stays.</summary>
    private static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ConnectWithin = TimeSpan.FromSeconds(2);

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private readonly Lock _sync = new();
    private (string Key, HttpMessageInvoker Client)? _client;

    /// <summary>
    /// Where to forward to: the leader's first address of the caller's scheme or a stronger one (https only with the
    /// fingerprint to pin), or null when there is none, so the caller gets a 503 naming the leader instead.
    /// </summary>
    public static Uri? TargetOf(CmsLeaderView leader, bool callerUsedHttps)
    {
        ArgumentNullException.ThrowIfNull(leader);
        var addresses = leader.Address.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => Uri.TryCreate(a, UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .ToList();
        var https = addresses.FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttps);
        if (https is not null && leader.Fingerprint is not null)
        {
            return https;
        }

        return callerUsedHttps ? null : addresses.FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp);
    }

    /// <summary>Forwards the request and copies the answer; false when the leader could not be reached before any answer began.</summary>
    public async Task<bool> ForwardAsync(HttpContext context, CmsLeaderView leader, Uri target)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(leader);
        ArgumentNullException.ThrowIfNull(target);
        using var request = Copy(context.Request, target);
        HttpResponseMessage response;
        using (var answer = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted))
        {
            answer.CancelAfter(AnswerWithin);
            try
            {
                response = await ClientFor(target, leader.Fingerprint).SendAsync(request, answer.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !context.RequestAborted.IsCancellationRequested)
            {
                LogUnreachable(logger, leader.Name, target, e.Message);
                return false;
            }
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted).ConfigureAwait(false);
                await body.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException && !context.RequestAborted.IsCancellationRequested)
            {
                // The leader went away mid-answer (a live stream, most often): the caller sees its connection end and reconnects.
                context.Abort();
            }
        }

        return true;
    }

    public void Dispose()
    {
        lock (_sync)
        {
            _client?.Client.Dispose();
            _client = null;
        }
    }

    private HttpRequestMessage Copy(HttpRequest incoming, Uri target)
    {
        var request = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(target, incoming.Path.ToUriComponent() + incoming.QueryString.ToUriComponent()));
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(incoming.Body);
        }

        foreach (var (name, values) in incoming.Headers)
        {
            if (!HopByHop.Contains(name) && !request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        request.Headers.TryAddWithoutValidation(ForwardedByHeader, leadership.Me.Name);
        return request;
    }

    /// <summary>One client per leader address and certificate: a new leader gets a new one, and the old one goes.</summary>
    private HttpMessageInvoker ClientFor(Uri target, string? fingerprint)
    {
        var key = $"{target} {fingerprint}";
        lock (_sync)
        {
            if (_client is { } current && current.Key == key)
            {
                return current.Client;
            }

            _client?.Client.Dispose();
            var handler = new SocketsHttpHandler
            {
                ConnectTimeout = ConnectWithin,
                UseCookies = false,
                AllowAutoRedirect = false,
                UseProxy = false,
                SslOptions = new SslClientAuthenticationOptions
                {
                    RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                        certificate is not null && fingerprint is not null
                        && string.Equals(SelfSignedCertificate.Fingerprint(certificate), fingerprint, StringComparison.OrdinalIgnoreCase),
                },
            };
            var client = new HttpMessageInvoker(handler);
            _client = (key, client);
            return client;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not forward a request to the leader {Leader} at {Address}: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string leader, Uri address, string reason);
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// An attacker on the LAN in the middle: an HTTPS (or plain HTTP) server on 127.0.0.1 with a certificate of its own,
/// forwarding every request to a real agent and writing down every <c>Authorization</c> header it is sent. With
/// <c>forgeIdentity</c> it also rewrites the agent's public identity to report its own certificate.
/// </summary>
public sealed class InterceptingProxy : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly string _directory;

    private InterceptingProxy(WebApplication app, HttpClient upstream, string directory, string? fingerprint)
    {
        _app = app;
        _upstream = upstream;
        _directory = directory;
        Fingerprint = fingerprint;
    }

    /// <summary>Every Authorization header the proxy was sent: what the attacker captured.</summary>
    public ConcurrentQueue<string> Captured { get; } = new();

    /// <summary>How many requests reached the proxy at all.</summary>
    public int Requests => _requests;

    /// <summary>The proxy's own certificate, null over plain HTTP.</summary>
    public string? Fingerprint { get; }

    public Uri BaseUrl => new(_app.Urls.First());

    private int _requests;

    /// <param name="agentFingerprint">The real agent's certificate (the proxy itself checks whom it forwards to); null over plain HTTP.</param>
    public static async Task<InterceptingProxy> StartAsync(Uri agent, string? agentFingerprint, bool https = true, bool forgeIdentity = false)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var directory = Directory.CreateTempSubdirectory("vigil-mitm-").FullName;
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && SelfSignedCertificate.Fingerprint(certificate) == agentFingerprint;
        var upstream = new HttpClient(handler) { BaseAddress = agent };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"{(https ? "https" : "http")}://127.0.0.1:0");
        string? fingerprint = null;
        if (https)
        {
            var certificate = SelfSignedCertificate.LoadOrCreate(directory, "mitm", TimeProvider.System);
            fingerprint = SelfSignedCertificate.Fingerprint(certificate);
            builder.WebHost.UseKestrelHttpsConfiguration();
            builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(o => o.ServerCertificate = certificate));
        }

        var app = builder.Build();
        var proxy = new InterceptingProxy(app, upstream, directory, fingerprint);
        app.Run(context => proxy.ForwardAsync(context, forgeIdentity));
        await app.StartAsync();
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task ForwardAsync(HttpContext context, bool forgeIdentity)
    {
        Interlocked.Increment(ref _requests);
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization)
        {
            Captured.Enqueue(authorization);
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            request.Content = new ByteArrayContent(body.ToArray());
            request.Content.Headers.TryAddWithoutValidation("Content-Type", context.Request.ContentType);
        }

        using (request)
        using (var response = await _upstream.SendAsync(request))
        {
            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (forgeIdentity && context.Request.Path == AgentRoutes.Identity && response.IsSuccessStatusCode)
            {
                var identity = JsonNode.Parse(bytes)!;
                identity["certificateFingerprint"] = Fingerprint;
                bytes = System.Text.Encoding.UTF8.GetBytes(identity.ToJsonString(ContractJson.Options));
            }

            context.Response.StatusCode = (int)response.StatusCode;
            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await context.Response.Body.WriteAsync(bytes);
        }
    }
}

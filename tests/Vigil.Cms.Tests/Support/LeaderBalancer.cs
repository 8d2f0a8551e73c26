using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// What a site puts in front of several CMS hosts to give them one address: a plain-HTTP reverse proxy on 127.0.0.1 that
/// sends each request to the host whose <see cref="CmsRoutes.LiveLeader"/> answers 200, as a load balancer's health
/// check would. Responses stream through (the console's live stream included); with no leader it answers 503.
/// </summary>
public sealed class LeaderBalancer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Func<IEnumerable<Uri>> _hosts;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = Timeout.InfiniteTimeSpan };

    private LeaderBalancer(WebApplication app, Func<IEnumerable<Uri>> hosts)
    {
        _app = app;
        _hosts = hosts;
    }

    public Uri BaseUrl => new(_app.Urls.First());

    /// <param name="hosts">The hosts' current addresses (a restarted host may have a new port).</param>
    public static async Task<LeaderBalancer> StartAsync(Func<IEnumerable<Uri>> hosts)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var balancer = new LeaderBalancer(app, hosts);
        app.Run(balancer.ForwardAsync);
        await app.StartAsync();
        return balancer;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private async Task<Uri?> LeaderAsync(CancellationToken cancellationToken)
    {
        foreach (var host in _hosts())
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(1));
                using var check = await _upstream.GetAsync(new Uri(host, CmsRoutes.LiveLeader.TrimStart('/')), timeout.Token);
                if (check.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Down or hanging: the next host.
            }
        }

        return null;
    }

    private async Task ForwardAsync(HttpContext context)
    {
        if (await LeaderAsync(context.RequestAborted) is not { } leader)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), new Uri(leader, context.Request.Path.Value!.TrimStart('/') + context.Request.QueryString));
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers.Where(h => !ProxyHeaders.HopByHop.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        try
        {
            using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !ProxyHeaders.HopByHop.Contains(h.Key)))
            {
                context.Response.Headers[name] = values.ToArray();
            }

            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The host died mid-answer (the leader was killed) or the browser went away: the connection just ends,
            // and the browser's live stream reconnects, to whichever host leads by then.
            context.Abort();
        }
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// A plain-HTTP reverse proxy on 127.0.0.1 in front of one agent that can hold the agent's takeover commands
/// until the test releases them. Added to the CMS by the proxy's address, the agent goes on answering
/// probes and every other call while a takeover is under way for as long as the test needs: the
/// deterministic form of "the standby freezes just as it is sent the takeover", with no window to hit.
/// Everything else streams through unchanged, restores included.
/// </summary>
public sealed class TakeoverGate : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Lock _lock = new();
    private TaskCompletionSource? _gate;
    private TaskCompletionSource _arrived = NewSignal();

    private TakeoverGate(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    public Uri BaseUrl => new(_app.Urls.First());

    public static async Task<TakeoverGate> StartAsync(Uri agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var upstream = new HttpClient { BaseAddress = agent, Timeout = Timeout.InfiniteTimeSpan };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var gate = new TakeoverGate(app, upstream);
        app.Run(gate.ForwardAsync);
        await app.StartAsync();
        return gate;
    }

    /// <summary>From now on takeover commands wait at the gate, unanswered, until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_lock)
        {
            _gate ??= NewSignal();
            _arrived = NewSignal();
        }
    }

    /// <summary>Completes when a takeover command reaches the gate after <see cref="Hold"/>.</summary>
    public Task TakeoverHeld
    {
        get
        {
            lock (_lock)
            {
                return _arrived.Task;
            }
        }
    }

    /// <summary>Lets every held takeover on to the agent (even one whose sender is gone, as a late packet would) and stops holding.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _gate?.TrySetResult();
            _gate = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task ForwardAsync(HttpContext context)
    {
        var takeover = HttpMethods.IsPut(context.Request.Method) && context.Request.Path.StartsWithSegments(AgentRoutes.Takeovers);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            // A held command is read whole first, so it can still be delivered after its sender died.
            request.Content = takeover ? new ByteArrayContent(await ReadAllAsync(context.Request.Body)) : new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        var aborted = context.RequestAborted;
        if (takeover && WaitingGate() is { } gate)
        {
            await gate;
            aborted = CancellationToken.None;
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, aborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
        {
            context.Response.Headers[name] = values.ToArray();
        }

        try
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away (a killed CMS): nothing is left to answer.
        }
    }

    private Task? WaitingGate()
    {
        lock (_lock)
        {
            if (_gate is null)
            {
                return null;
            }

            _arrived.TrySetResult();
            return _gate.Task;
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        return copy.ToArray();
    }
}

using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// A webhook endpoint on 127.0.0.1, as a site's chat or ticket system would run: it keeps every call (headers and
/// body) and answers 500 to the first <c>failFirst</c> calls, then 200.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, int failFirst)
    {
        _app = app;
        _failuresLeft = failFirst;
    }

    public sealed record Received(string Body, string? Signature, string? Delivery, string? Kind, int AnsweredWith);

    public ConcurrentQueue<Received> Calls { get; } = new();

    public Uri Url => new(_app.Urls.First() + "/hooks/vigil");

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, failFirst);
        app.MapPost("/hooks/vigil", receiver.ReceiveAsync);
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var status = Interlocked.Decrement(ref _failuresLeft) >= 0 ? StatusCodes.Status500InternalServerError : StatusCodes.Status200OK;
        Calls.Enqueue(new Received(body, context.Request.Headers["X-Vigil-Signature"], context.Request.Headers["X-Vigil-Delivery"],
            context.Request.Headers["X-Vigil-Event"], status));
        context.Response.StatusCode = status;
    }
}

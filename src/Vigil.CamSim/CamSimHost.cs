using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Hosting;
using Vigil.Media;

namespace Vigil.CamSim;

/// <summary>
/// <c>vigil camsim</c>: serves <c>/cam/1</c> … <c>/cam/N</c> as live MPEG-TS over HTTP;
/// <c>POST /cam/N/dark</c> and <c>POST /cam/N/light</c> take a camera off the network and back;
/// <c>GET /cams</c> lists them.
/// </summary>
public static class CamSimHost
{
    public static WebApplication Build(string[] urls, int cameras, MediaTools tools)
    {
        ArgumentNullException.ThrowIfNull(urls);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(tools);
        builder.Services.AddSingleton(s => new CameraSimulator(cameras, tools, s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddHostedService(s => s.GetRequiredService<CameraSimulator>());
        builder.Services.AddHostedService(s => ActivatorUtilities.CreateInstance<ListeningAnnouncement>(s, "vigil camsim"));
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        app.MapGet("/cams", (CameraSimulator sim) => new
        {
            timestampEpoch = sim.Epoch,
            cameras = sim.Cameras.Select(c => new
            {
                number = c.Number,
                url = $"/cam/{c.Number}",
                dark = c.IsDark,
                live = c.IsLive,
                clients = c.Stream.ClientCount,
            }),
        });
        app.MapGet("/cam/{number:int}", ServeAsync);
        app.MapPost("/cam/{number:int}/dark", (int number, CameraSimulator sim) => SetDark(sim, number, dark: true));
        app.MapPost("/cam/{number:int}/light", (int number, CameraSimulator sim) => SetDark(sim, number, dark: false));
        return app;
    }

    private static IResult SetDark(CameraSimulator sim, int number, bool dark)
    {
        var camera = sim.Find(number);
        if (camera is null)
        {
            return NoSuchCamera(sim, number);
        }

        camera.SetDark(dark);
        return Results.NoContent();
    }

    private static async Task ServeAsync(int number, CameraSimulator sim, HttpContext context)
    {
        var camera = sim.Find(number);
        if (camera is null)
        {
            await NoSuchCamera(sim, number).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (camera.IsDark)
        {
            await Results.Problem($"Camera {number} is dark.", statusCode: StatusCodes.Status503ServiceUnavailable)
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var stream = camera.Stream.Join();
        try
        {
            context.Response.ContentType = "video/mp2t";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await foreach (var chunk in stream.ReadAllAsync(context.RequestAborted).ConfigureAwait(false))
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        finally
        {
            camera.Stream.Leave(stream);
        }
    }

    private static IResult NoSuchCamera(CameraSimulator sim, int number) =>
        Results.Problem($"There is no camera {number}; this simulator serves cameras 1 to {sim.Cameras.Count}.", statusCode: StatusCodes.Status404NotFound);
}

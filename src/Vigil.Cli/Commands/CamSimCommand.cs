using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Vigil.CamSim;
using Vigil.Media;

namespace Vigil.Cli.Commands;

internal static class CamSimCommand
{
    public static Command Create()
    {
        var urls = new Option<string[]>("--urls") { Description = "Where to listen, e.g. http://127.0.0.1:8554 (port 0 picks a free one)", Required = true };
        var cameras = new Option<int>("--cameras") { Description = "How many cameras to serve at /cam/1 … /cam/N", DefaultValueFactory = _ => 4 };
        var command = new Command("camsim", "Serve N live synthetic camera streams (H.264 in MPEG-TS over HTTP) for demos and tests") { urls, cameras };
        cameras.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 256)
            {
                result.AddError("--cameras must be between 1 and 256.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var app = CamSimHost.Build(result.GetValue(urls)!, result.GetValue(cameras), MediaTools.Locate(Environment.GetEnvironmentVariable));
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}

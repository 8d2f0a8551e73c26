using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Vigil.Agent;
using Vigil.Media;

namespace Vigil.Cli.Commands;

internal static class AgentCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data directory for the agent's own state", Required = true };
        var urls = new Option<string[]>("--urls") { Description = "Where to listen; an https:// URL serves TLS with a self-signed certificate", Required = true };
        var spaces = new Option<string[]>("--space") { Description = "A recording space folder (repeatable); default DATA/space1" };
        var cameras = new Option<string[]>("--camera") { Description = "An own camera to add if missing, as NAME=URL (repeatable)" };
        var name = new Option<string?>("--name") { Description = "The server name the agent reports (default: the host name)" };
        var model = new Option<string?>("--model") { Description = $"The model the agent reports (default: {AgentOptions.DefaultModel})" };
        var channels = new Option<int?>("--license-channels") { Description = $"License channels (default: {AgentOptions.DefaultLicenseChannels})" };
        var segment = new Option<int>("--segment-seconds") { Description = "Length of recorded segments in seconds", DefaultValueFactory = _ => 2 };
        var command = new Command("agent", "Run a recording or standby server: record cameras with ffmpeg and obey the CMS")
        {
            data, urls, spaces, cameras, name, model, channels, segment,
        };
        cameras.Validators.Add(result =>
        {
            foreach (var camera in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!camera.Contains('=', StringComparison.Ordinal))
                {
                    result.AddError($"--camera {camera}: expected NAME=URL.");
                }
            }
        });
        segment.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 60)
            {
                result.AddError("--segment-seconds must be between 1 and 60.");
            }
        });
        channels.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 0)
            {
                result.AddError("--license-channels cannot be negative.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new AgentOptions(
                Path.GetFullPath(result.GetValue(data)!),
                result.GetValue(urls)!,
                (result.GetValue(spaces) ?? []).Select(Path.GetFullPath).ToList(),
                (result.GetValue(cameras) ?? []).Select(c => (c[..c.IndexOf('=', StringComparison.Ordinal)], c[(c.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToList(),
                result.GetValue(name),
                result.GetValue(model),
                result.GetValue(channels),
                result.GetValue(segment));
            var app = AgentHost.Build(options, MediaTools.Locate(Environment.GetEnvironmentVariable), Console.Out);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}

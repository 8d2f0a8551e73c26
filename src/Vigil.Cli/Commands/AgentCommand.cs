using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Vigil.Agent;
using Vigil.Agent.Updates;
using Vigil.Hosting;
using Vigil.Hosting.Metrics;
using Vigil.Media;

namespace Vigil.Cli.Commands;

internal static class AgentCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data directory for the agent's own state", Required = true };
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Where to listen (default {AgentOptions.DefaultUrl}); https:// serves TLS with a self-signed certificate unless --certificate is given",
        };
        var insecure = new Option<bool>(PlainHttpGuard.Flag)
        {
            Description = "Allow plain http:// URLs beyond loopback: passwords and credentials then cross the network unencrypted",
        };
        var certificate = new Option<string?>("--certificate")
        {
            Description = $"A PKCS#12 (.pfx) file to serve TLS with; its password, if any, is read from {CertificateFile.PasswordVariable}",
        };
        var spaces = new Option<string[]>("--space") { Description = "A recording space folder (repeatable); default DATA/space1" };
        var cameras = new Option<string[]>("--camera") { Description = "An own camera to add if missing, as NAME=URL (repeatable)" };
        var name = new Option<string?>("--name") { Description = "The server name the agent reports (default: the host name)" };
        var model = new Option<string?>("--model") { Description = $"The model the agent reports (default: {AgentOptions.DefaultModel})" };
        var channels = new Option<int?>("--license-channels") { Description = $"License channels (default: {AgentOptions.DefaultLicenseChannels})" };
        var metricsToken = new Option<string?>(ScrapeToken.OptionName)
        {
            Description = "A file whose first line is the token Prometheus sends (Authorization: Bearer) to read /metrics; at least 16 characters",
        };
        var noAnnounce = new Option<bool>("--no-announce")
        {
            Description = "Do not answer CMS searches on the LAN (UDP multicast 239.255.71.1, port 7101); the server is then added by its address only",
        };
        var segment = new Option<int>("--segment-seconds") { Description = "Length of recorded segments in seconds", DefaultValueFactory = _ => 2 };
        var logFormat = new Option<string>(LogFormat.OptionName) { Description = "text (default) or json: one JSON object per log entry", DefaultValueFactory = _ => LogFormat.Text };
        logFormat.AcceptOnlyFromAmong([.. LogFormat.All]);
        var command = new Command("agent", "Run a recording or standby server: record cameras with ffmpeg and obey the CMS")
        {
            data, urls, insecure, certificate, spaces, cameras, name, model, channels, segment, metricsToken, logFormat, noAnnounce,
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
                result.GetValue(urls) is { Length: > 0 } given ? given : [AgentOptions.DefaultUrl],
                (result.GetValue(spaces) ?? []).Select(Path.GetFullPath).ToList(),
                (result.GetValue(cameras) ?? []).Select(c => (c[..c.IndexOf('=', StringComparison.Ordinal)], c[(c.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToList(),
                result.GetValue(name),
                result.GetValue(model),
                result.GetValue(channels),
                result.GetValue(segment),
                result.GetValue(insecure),
                result.GetValue(certificate) is { } file ? Path.GetFullPath(file) : null,
                result.GetValue(metricsToken) is { } tokenFile ? Path.GetFullPath(tokenFile) : null,
                result.GetValue(logFormat)!,
                !result.GetValue(noAnnounce));
            // First of all: a new version after an update counts its start (and may roll back) before it opens anything.
            if (await AgentUpdates.BeforeStartAsync(options, cancellationToken).ConfigureAwait(false) is { } restarted)
            {
                return restarted;
            }

            WebApplication app;
            try
            {
                app = AgentHost.Build(options, MediaTools.Locate(Environment.GetEnvironmentVariable), Console.Out);
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (AgentUpdates.AfterFailedStart(options, e) is { } rolledBack)
            {
                // A new version that cannot start where the old one could (even refusing the same arguments) goes back to it.
                return rolledBack;
            }
            catch (ArgumentException e)
            {
                // A start refused for how it was asked (plain HTTP on the network, a bad camera or certificate): say why, no stack trace.
                await Console.Error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return 2;
            }

            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return AgentUpdates.AfterStop(app);
        });
        return command;
    }
}

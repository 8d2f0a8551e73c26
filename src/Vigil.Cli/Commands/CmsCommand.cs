using System.CommandLine;
using System.Data.Common;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Vigil.Cms;
using Vigil.Hosting;
using Vigil.Hosting.Metrics;

namespace Vigil.Cli.Commands;

internal static class CmsCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data directory: the SQLite database, the key ring that encrypts agent credentials, the TLS certificate", Required = true };
        var urls = new Option<string[]>("--urls")
        {
            Description = $"Where to listen (default {CmsOptions.DefaultUrl}); https:// serves TLS with a self-signed certificate unless --certificate is given",
        };
        var insecure = new Option<bool>(PlainHttpGuard.Flag)
        {
            Description = "Allow plain HTTP beyond loopback, both served and to agents: passwords and credentials then cross the network unencrypted",
        };
        var certificate = new Option<string?>("--certificate")
        {
            Description = $"A PKCS#12 (.pfx) file to serve TLS with; its password, if any, is read from {CertificateFile.PasswordVariable}",
        };
        var database = new Option<string?>("--database") { Description = "A PostgreSQL connection string (Host=…;Database=…;Username=…;Password=…); default: SQLite in the data directory" };
        var name = new Option<string?>("--name") { Description = "How this CMS introduces itself to agents (default: the host name)" };
        var metricsToken = new Option<string?>(ScrapeToken.OptionName)
        {
            Description = "A file whose first line is the token Prometheus sends (Authorization: Bearer) to read /metrics; at least 16 characters",
        };
        var updateKeys = new Option<string?>("--update-keys")
        {
            Description = "A PEM file of the publisher public keys whose agent update packages this CMS accepts (vigil update-package keygen makes a pair); without it updates are refused",
        };
        var searchOn = new Option<string[]>("--search-on")
        {
            Description = "Search for servers only on the network of this address of the machine (repeatable); default: every network it is on",
        };
        searchOn.Validators.Add(result =>
        {
            foreach (var text in result.GetValueOrDefault<string[]>() ?? [])
            {
                if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
                {
                    result.AddError($"--search-on {text}: expected an IPv4 address of this machine.");
                }
            }
        });
        var logFormat = new Option<string>(LogFormat.OptionName) { Description = "text (default) or json: one JSON object per log entry", DefaultValueFactory = _ => LogFormat.Text };
        logFormat.AcceptOnlyFromAmong([.. LogFormat.All]);
        var command = new Command("cms", "Run the central management server: inventory, settings, users, health monitor, REST API")
        {
            data, urls, insecure, certificate, database, name, metricsToken, logFormat, updateKeys, searchOn,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new CmsOptions(
                Path.GetFullPath(result.GetValue(data)!),
                result.GetValue(urls) is { Length: > 0 } given ? given : [CmsOptions.DefaultUrl],
                string.IsNullOrWhiteSpace(result.GetValue(database)) ? null : result.GetValue(database),
                result.GetValue(name) ?? Environment.MachineName,
                result.GetValue(insecure),
                result.GetValue(certificate) is { } file ? Path.GetFullPath(file) : null,
                result.GetValue(metricsToken) is { } tokenFile ? Path.GetFullPath(tokenFile) : null,
                result.GetValue(logFormat)!,
                result.GetValue(updateKeys) is { } keysFile ? Path.GetFullPath(keysFile) : null,
                [.. (result.GetValue(searchOn) ?? []).Select(IPAddress.Parse)]);
            WebApplication app;
            try
            {
                app = await CmsHost.BuildAsync(options, Console.Out, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DbException or InvalidOperationException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                await Console.Error.WriteLineAsync($"vigil cms: cannot start: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            await using var _ = app;
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return CmsHost.ExitCode(app);
        });
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil server search</c>: the servers the CMS finds on its LAN, and how to add one.</summary>
internal static class ServerSearchCommand
{
    public static Command Create()
    {
        var seconds = new Option<double?>("--seconds") { Description = "How long the CMS listens for answers, 1 to 10 (default 2)" };
        var command = new Command("search", "Search the CMS's LAN for servers: each with its address, certificate, version and whether it can be added")
        {
            seconds, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var response = await client.SendAsync<ServerSearchResponse>(HttpMethod.Post, CmsRoutes.ServerSearch, new ServerSearchRequest(result.GetValue(seconds)))
                .ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(response);
                return;
            }

            if (response.Servers.Count == 0)
            {
                Console.Out.WriteLine($"No server answered within {response.Seconds.ToString(CultureInfo.InvariantCulture)} s (an agent started with --no-announce, or beyond a router, is added by its address).");
                return;
            }

            Output.Table(["NAME", "ADDRESS", "MODEL", "VERSION", "STATE", "MANAGED BY", "CERTIFICATE"], response.Servers.Select(s => (IReadOnlyList<string>)
            [
                s.Name, $"{(s.Https ? "https" : "http")}://{s.Address}:{s.Port.ToString(CultureInfo.InvariantCulture)}", s.Model, s.Version, s.StateLabel,
                s.ManagedBy is { } cms ? (cms.IsThisCms ? "this CMS" : cms.Name) : "-", s.CertificateFingerprint ?? "-",
            ]));
            if (response.Servers.FirstOrDefault(s => s.CanEnable) is { } available)
            {
                Console.Out.WriteLine($"To add one: vigil server add --group GROUP --role recording|standby --host {available.Address} --port {available.Port.ToString(CultureInfo.InvariantCulture)}"
                    + (available.CertificateFingerprint is { } fingerprint ? $" --fingerprint {fingerprint}" : " --plain-http")
                    + " (compare the fingerprint with the one the server printed at start)");
            }
        });
        return command;
    }
}

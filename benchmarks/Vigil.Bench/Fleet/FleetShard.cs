using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Hosting;

namespace Vigil.Bench.Fleet;

/// <summary>
/// One process of the fleet (<c>Vigil.Bench fleet-shard PLAN CERTIFICATE-FOLDER</c>): the virtual servers of its plan
/// file, and a plain-HTTP control port on 127.0.0.1 through which the bench reads their probe counts and accepted
/// takeovers and kills or revives them. It prints <c>ready URL</c> once listening and runs until its standard input
/// closes. A process holds a socket per virtual server plus the CMS's connection to each, so a fleet larger than one
/// process's open-file limit is spread over several.
/// </summary>
internal static class FleetShard
{
    public const string Command = "fleet-shard";

    public const string ReadyPrefix = "ready ";

    public static async Task<int> RunAsync(IReadOnlyList<string> arguments)
    {
        var members = JsonSerializer.Deserialize<List<FleetMember>>(await File.ReadAllTextAsync(arguments[0]))!;
        using var certificate = SelfSignedCertificate.LoadOrCreate(arguments[1], FleetShards.CertificateName, TimeProvider.System);
        OpenFileLimit.Raise((ulong)(members.Count * FleetShards.FilesPerServer) + FleetShards.ReservedFiles);
        await using var fleet = await FleetSimulator.StartAsync(members, certificate, CancellationToken.None);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var control = builder.Build();
        control.MapGet("/probes", () => fleet.Servers.Select(s => s.Probes).ToArray());
        control.MapGet("/takeovers", () => fleet.Servers.SelectMany(s => s.AcceptedTakeovers()).ToList());
        control.MapPost("/kill", (int[] indexes) => Apply(fleet, indexes, s => s.Kill()));
        control.MapPost("/revive", (int[] indexes) => Apply(fleet, indexes, s => s.Start()));
        await control.StartAsync();
        Console.WriteLine(ReadyPrefix + control.Urls.First());

        await Console.In.ReadToEndAsync();
        await control.StopAsync();
        return 0;
    }

    /// <param name="indexes">Places in this shard's plan.</param>
    private static IResult Apply(FleetSimulator fleet, int[] indexes, Action<VirtualServer> action)
    {
        foreach (var index in indexes)
        {
            action(fleet.Servers[index]);
        }

        return Results.NoContent();
    }
}

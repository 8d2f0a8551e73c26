using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Bench.Fleet;

/// <summary>
/// Many virtual agents in this process: one Kestrel server listening on N consecutive ports of
/// 127.0.0.1, one port per virtual server, answering the agent API for the server that owns the port.
/// The CMS adds, probes, takes over and releases them as it would real agents; none of them records.
/// </summary>
public sealed class FleetSimulator : IAsyncDisposable
{
    /// <summary>The admin password of every virtual server (what an operator types when adding them).</summary>
    public const string AdminPassword = "fleet-admin-password";

    /// <summary>Open files each virtual server costs this process: its listening socket and the CMS's two pooled connections to it (probes and inventory copies).</summary>
    public const int FilesPerServer = 3;

    public const int CamerasPerRecordingServer = 2;
    public const int RecordingLicenseChannels = 8;
    public const int StandbyLicenseChannels = 16;

    private const int ReservedFiles = 1024;

    private readonly WebApplication _app;
    private readonly int _firstPort;

    private FleetSimulator(WebApplication app, int firstPort, IReadOnlyList<VirtualServer> servers)
    {
        _app = app;
        _firstPort = firstPort;
        Servers = servers;
    }

    public IReadOnlyList<VirtualServer> Servers { get; }

    public IEnumerable<VirtualServer> Recording => Servers.Where(s => s.Role == VirtualRole.Recording);

    public IEnumerable<VirtualServer> Standbys => Servers.Where(s => s.Role == VirtualRole.Standby);

    /// <summary>Starts <paramref name="recording"/> recording servers (with cameras) and <paramref name="standby"/> empty standbys.</summary>
    public static async Task<FleetSimulator> StartAsync(int recording, int standby, CancellationToken cancellationToken)
    {
        var count = recording + standby;

        // Running out of files would not fail one request: the runtime needs a file for new code too, and the bench would abort.
        var (fits, openFiles) = Capacity(count);
        if (count > fits)
        {
            throw new InvalidOperationException(
                $"A fleet of {count} servers needs about {(count * FilesPerServer) + ReservedFiles} open files; this process may have {openFiles}, enough for {fits}.");
        }

        var firstPort = LoopbackPorts.FindConsecutive(count);
        var servers = Enumerable.Range(0, count)
            .Select(i => i < recording ? RecordingServer(i, firstPort + i) : Standby(i - recording, firstPort + i))
            .ToList();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<JsonOptions>(o => ContractJson.Configure(o.SerializerOptions));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            foreach (var server in servers)
            {
                kestrel.Listen(IPAddress.Loopback, server.Port, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        var app = builder.Build();
        var fleet = new FleetSimulator(app, firstPort, servers);
        VirtualAgentApi.Map(app, fleet.ServerOnPort, AdminPassword);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return fleet;
    }

    /// <summary>
    /// How many servers a fleet in this process can have, after raising the open-file limit as far as
    /// allowed towards what <paramref name="wanted"/> servers need; and that limit. The CMS this process
    /// starts inherits the limit and needs two files per server, so it fits too.
    /// </summary>
    public static (int Servers, ulong OpenFiles) Capacity(int wanted)
    {
        var openFiles = OpenFileLimit.Raise((ulong)((wanted * FilesPerServer) + ReservedFiles)) ?? ulong.MaxValue;
        return ((int)Math.Min(int.MaxValue, (openFiles - Math.Min(openFiles, ReservedFiles)) / FilesPerServer), openFiles);
    }

    public static ServerAddress AddressOf(VirtualServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new ServerAddress(IPAddress.Loopback.ToString(), server.Port);
    }

    /// <summary>The first takeover of <paramref name="protectedServerName"/> any standby accepted after <paramref name="since"/> (a Stopwatch timestamp).</summary>
    public TakeoverAccepted? FirstTakeoverOf(string protectedServerName, long since) => Servers
        .SelectMany(s => s.AcceptedTakeovers())
        .Where(t => t.Timestamp >= since && t.ProtectedServerName == protectedServerName)
        .MinBy(t => t.Timestamp);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private VirtualServer? ServerOnPort(int port)
    {
        var index = port - _firstPort;
        return index >= 0 && index < Servers.Count ? Servers[index] : null;
    }

    private static VirtualServer RecordingServer(int number, int port)
    {
        var name = Invariant($"rec-{number + 1:D5}");
        var cameras = Enumerable.Range(1, CamerasPerRecordingServer)
            .Select(c => new CameraConfig(Invariant($"cam-{c}"), Invariant($"{name} camera {c}"), Invariant($"http://127.0.0.1:9/{name}/cam-{c}")))
            .ToList();
        return new VirtualServer(name, Invariant($"VF-R{number + 1:D6}"), VirtualRole.Recording, port, cameras, RecordingLicenseChannels);
    }

    private static VirtualServer Standby(int number, int port) =>
        new(Invariant($"standby-{number + 1:D5}"), Invariant($"VF-S{number + 1:D6}"), VirtualRole.Standby, port, [], StandbyLicenseChannels);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

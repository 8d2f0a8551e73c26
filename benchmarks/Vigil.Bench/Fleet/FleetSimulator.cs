using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Bench.Fleet;

/// <summary>
/// Many virtual agents in one process (a shard of the fleet, <see cref="FleetShard"/>): one Kestrel server listening on
/// a port of 127.0.0.1 per virtual server, over https with the fleet's certificate and HTTP/1.1 and HTTP/2 offered as
/// the real agent does, answering the agent API for the server that owns the port. The CMS adds, probes, takes over
/// and releases them as it would real agents; none of them records.
/// </summary>
public sealed class FleetSimulator : IAsyncDisposable
{
    /// <summary>The admin password of every virtual server (what an operator types when adding them).</summary>
    public const string AdminPassword = "fleet-admin-password";

    public const int CamerasPerRecordingServer = 2;
    public const int RecordingLicenseChannels = 8;
    public const int StandbyLicenseChannels = 16;

    private readonly WebApplication _app;
    private readonly Dictionary<int, VirtualServer> _byPort;

    private FleetSimulator(WebApplication app, IReadOnlyList<VirtualServer> servers)
    {
        _app = app;
        Servers = servers;
        _byPort = servers.ToDictionary(s => s.Port);
    }

    /// <summary>In the order of the members it was started with.</summary>
    public IReadOnlyList<VirtualServer> Servers { get; }

    public static async Task<FleetSimulator> StartAsync(IReadOnlyList<FleetMember> members, X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(members);
        var fingerprint = SelfSignedCertificate.Fingerprint(certificate);
        var servers = members.Select(m => Create(m, fingerprint)).ToList();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // Standard output belongs to the shard's conversation with the bench.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.Configure<JsonOptions>(o => ContractJson.Configure(o.SerializerOptions));
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = null;
            foreach (var server in servers)
            {
                kestrel.Listen(IPAddress.Loopback, server.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;

                    // A killed agent's port takes no new connection through to TLS: the host's kernel answers a
                    // connection to a port nobody listens on with a reset, and so does this, before any handshake.
                    listen.Use(next => connection =>
                    {
                        if (!server.IsAlive)
                        {
                            connection.Abort();
                            return Task.CompletedTask;
                        }

                        return next(connection);
                    });
                    listen.UseHttps(certificate);
                });
            }
        });
        var app = builder.Build();
        var fleet = new FleetSimulator(app, servers);
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

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private VirtualServer? ServerOnPort(int port) => _byPort.GetValueOrDefault(port);

    private static VirtualServer Create(FleetMember member, string fingerprint)
    {
        if (member.Role == VirtualRole.Standby)
        {
            return new VirtualServer(member.Name, member.Serial, VirtualRole.Standby, member.Port, [], StandbyLicenseChannels, fingerprint);
        }

        var cameras = Enumerable.Range(1, CamerasPerRecordingServer)
            .Select(c => new CameraConfig(Invariant($"cam-{c}"), Invariant($"{member.Name} camera {c}"), Invariant($"http://127.0.0.1:9/{member.Name}/cam-{c}")))
            .ToList();
        return new VirtualServer(member.Name, member.Serial, VirtualRole.Recording, member.Port, cameras, RecordingLicenseChannels, fingerprint);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

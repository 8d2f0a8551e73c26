using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Storage;
using Vigil.Hosting;
using Vigil.Contracts;
using Vigil.Contracts.Discovery;

namespace Vigil.Agent.Discovery;

/// <summary>
/// Answers a CMS's search on the LAN (<see cref="DiscoveryProtocol"/>) with what the agent is, where its API is and who
/// manages it, nothing secret. Off with <c>--no-announce</c>; silent when the agent serves on loopback only. It never
/// stops the agent: a port it cannot open is logged and recording goes on.
/// </summary>
internal sealed partial class DiscoveryResponder(
    AgentOptions options,
    AgentIdentity identity,
    CredentialStore credentials,
    IServer server,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<DiscoveryResponder> logger) : BackgroundService
{
    private readonly AnswerBudget _budget = new(time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Announce)
        {
            LogOff(logger);
            return;
        }

        // The listening addresses (a port 0 made real) are known once the web server has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        using (stoppingToken.Register(() => started.TrySetCanceled(stoppingToken)))
        {
            try
            {
                await started.Task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (Served() is null)
        {
            LogLoopbackOnly(logger);
            return;
        }

        try
        {
            using var socket = Listen();
            await AnswerAsync(socket, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (SocketException e)
        {
            LogCannotListen(logger, DiscoveryProtocol.Port, e.Message);
        }
    }

    private static Socket Listen()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Several agents (and a CMS) on one machine each get every search.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(new IPEndPoint(IPAddress.Any, DiscoveryProtocol.Port));
            foreach (var index in LocalNetworks.Read().Select(n => n.InterfaceIndex).Distinct())
            {
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(DiscoveryProtocol.Group, index));
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task AnswerAsync(Socket socket, CancellationToken stoppingToken)
    {
        LogListening(logger, DiscoveryProtocol.Group, DiscoveryProtocol.Port);
        var buffer = new byte[DiscoveryProtocol.MaxDatagramBytes + 1];
        while (!stoppingToken.IsCancellationRequested)
        {
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stoppingToken).ConfigureAwait(false);
            if (received.RemoteEndPoint is not IPEndPoint sender
                || DiscoveryCodec.DecodeSearch(buffer.AsSpan(0, received.ReceivedBytes)) is not { } nonce
                || !_budget.TrySpend()
                || !LocalNetworks.IsOnLink(sender.Address, LocalNetworks.Read())
                || Served() is not { } served)
            {
                continue;
            }

            var answer = new SearchAnswer(nonce, identity.Name, identity.Model, identity.Serial, VigilVersion.Current.ToString(), served.Addresses,
                served.Port, served.Scheme, identity.CertificateFingerprint, credentials.Manager());
            try
            {
                await socket.SendToAsync(DiscoveryCodec.EncodeAnswer(answer), SocketFlags.None, sender, stoppingToken).ConfigureAwait(false);
                LogAnswered(logger, sender);
            }
            catch (Exception e) when (e is SocketException or ArgumentException)
            {
                LogAnswerFailed(logger, sender, e.Message);
            }
        }
    }

    private ServedEndpoint? Served() =>
        ServedEndpoint.From(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [], LocalNetworks.Read().Select(n => n.Address));

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Not announcing on the LAN (--no-announce): a CMS's search does not find this server")]
    private static partial void LogOff(ILogger logger);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Not announcing on the LAN: the agent serves on loopback only")]
    private static partial void LogLoopbackOnly(ILogger logger);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Cannot answer searches on UDP port {Port}: {Reason}; the agent works on, but a CMS's search will not find it")]
    private static partial void LogCannotListen(ILogger logger, int port, string reason);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Answering CMS searches on the LAN ({Group}, UDP port {Port}; off with --no-announce)")]
    private static partial void LogListening(ILogger logger, IPAddress group, int port);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Debug, Message = "Answered a search from {Sender}")]
    private static partial void LogAnswered(ILogger logger, IPEndPoint sender);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Debug, Message = "Could not answer a search from {Sender}: {Reason}")]
    private static partial void LogAnswerFailed(ILogger logger, IPEndPoint sender, string reason);
}

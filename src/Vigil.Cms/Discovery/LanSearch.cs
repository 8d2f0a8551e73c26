using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Discovery;
using Vigil.Hosting;

namespace Vigil.Cms.Discovery;

/// <summary>An answer to a search and the address it came from.</summary>
internal sealed record Sighting(SearchAnswer Answer, IPAddress From);

/// <summary>
/// Sends one search to the discovery group out of every IPv4 interface that can multicast (a CMS on two networks
/// finds the agents of both) and gathers the answers to that search, and only to it (by its nonce), for a while.
/// One agent answering on several interfaces is one sighting. <c>--search-on</c> narrows the networks searched, e.g. to keep
/// a CMS with a leg on an untrusted network from announcing itself there.
/// </summary>
internal sealed partial class LanSearch(CmsOptions options, TimeProvider time, ILogger<LanSearch> logger)
{
    public async Task<IReadOnlyList<Sighting>> SearchAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var search = DiscoveryCodec.EncodeSearch(nonce);
        var sockets = new List<Socket>();
        try
        {
            var only = options.SearchOn ?? [];
            var networks = LocalNetworks.Choose(LocalNetworks.Read(), [.. only]);
            if (networks.Count == 0)
            {
                LogNoNetwork(logger, only.Count > 0 ? string.Join(", ", only) : "any");
            }

            foreach (var local in networks)
            {
                if (Send(local, search) is { } socket)
                {
                    sockets.Add(socket);
                }
            }

            using var windowEnd = new CancellationTokenSource(window, time);
            using var listening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, windowEnd.Token);
            var answers = await Task.WhenAll(sockets.Select(s => GatherAsync(s, nonce, listening.Token))).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return answers.SelectMany(a => a).GroupBy(s => s.Answer.Serial, StringComparer.Ordinal).Select(g => g.First()).ToList();
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    private Socket? Send(LocalAddress local, byte[] search)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(local.Address, 0));
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, local.Address.GetAddressBytes());
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, DiscoveryProtocol.TimeToLive);

            // An agent on this machine hears the search too.
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            socket.SendTo(search, new IPEndPoint(DiscoveryProtocol.Group, DiscoveryProtocol.Port));
            LogSent(logger, local.Address);
            return socket;
        }
        catch (SocketException e)
        {
            LogSendFailed(logger, local.Address, e.Message);
            socket.Dispose();
            return null;
        }
    }

    private static async Task<List<Sighting>> GatherAsync(Socket socket, string nonce, CancellationToken until)
    {
        var found = new List<Sighting>();
        var buffer = new byte[DiscoveryProtocol.MaxDatagramBytes + 1];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), until).ConfigureAwait(false);
                if (received.RemoteEndPoint is IPEndPoint from
                    && DiscoveryCodec.DecodeAnswer(buffer.AsSpan(0, received.ReceivedBytes)) is { } answer
                    && string.Equals(answer.Nonce, nonce, StringComparison.Ordinal))
                {
                    found.Add(new Sighting(answer, from.Address));
                }
            }
        }
        catch (OperationCanceledException)
        {
            return found;
        }
        catch (SocketException)
        {
            // An ICMP error for one interface ends that interface's listening, not the search.
            return found;
        }
    }

    [LoggerMessage(EventId = 3801, Level = LogLevel.Debug, Message = "Searched the LAN from {Address}")]
    private static partial void LogSent(ILogger logger, IPAddress address);

    [LoggerMessage(EventId = 3803, Level = LogLevel.Warning, Message = "Searched no network: no multicast-capable IPv4 interface of this machine is up (addresses searched from: {Addresses})")]
    private static partial void LogNoNetwork(ILogger logger, string addresses);

    [LoggerMessage(EventId = 3802, Level = LogLevel.Information, Message = "Could not search the LAN from {Address}: {Reason}")]
    private static partial void LogSendFailed(ILogger logger, IPAddress address, string reason);
}

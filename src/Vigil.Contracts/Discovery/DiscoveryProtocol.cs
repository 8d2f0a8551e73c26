using System.Net;

namespace Vigil.Contracts.Discovery;

/// <summary>
/// Where LAN discovery happens: a CMS sends a search to an organisation-local multicast group (RFC 2365, so routers
/// of the site keep it in) and each agent that announces itself answers the sender directly (docs/operations.md).
/// </summary>
public static class DiscoveryProtocol
{
    /// <summary>The protocol's name and version in every datagram; anything else on the port is ignored.</summary>
    public const string Name = "vigil-discovery/1";

    /// <summary>UDP port agents listen on for searches and answer from: the agent's default HTTPS port number, over UDP.</summary>
    public const int Port = 7101;

    /// <summary>A datagram this size fits one Ethernet frame, so an answer is never fragmented (and never cut).</summary>
    public const int MaxDatagramBytes = 1400;

    /// <summary>Searches leave the sender's own network segment no further than its first router.</summary>
    public const int TimeToLive = 1;

    public static IPAddress Group { get; } = IPAddress.Parse("239.255.71.1");
}

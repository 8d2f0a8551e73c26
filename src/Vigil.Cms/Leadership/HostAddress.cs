using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Vigil.Cms.Leadership;

/// <summary>The addresses a CMS host listens on, as it publishes them, and as the other hosts can reach it.</summary>
internal static class HostAddress
{
    /// <summary>Every address the server listens on, space-separated: before it starts, as configured (a port 0 not yet chosen).</summary>
    public static string Listening(IServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return string.Join(' ', server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
    }

    /// <summary>
    /// The published addresses with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>+</c>, <c>*</c>) replaced by
    /// <paramref name="peer"/>, the address the database saw the host connect from: a host listening on every interface
    /// cannot name the one the others reach it by, and the database's view of it is one they can use. Without a peer (the
    /// host came over a Unix socket, so it runs beside the database) the wildcard stays.
    /// </summary>
    public static string Reachable(string listening, string? peer)
    {
        ArgumentNullException.ThrowIfNull(listening);
        if (string.IsNullOrEmpty(peer) || !IPAddress.TryParse(peer, out var seen))
        {
            return listening;
        }

        var host = seen.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{seen}]" : seen.ToString();
        return string.Join(' ', listening.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(address => Replace(address, host)));
    }

    private static string Replace(string address, string host)
    {
        var start = address.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return address;
        }

        start += 3;
        var hostEnd = start < address.Length && address[start] == '[' ? address.IndexOf(']', start) + 1 : address.IndexOf(':', start);
        if (hostEnd <= start)
        {
            return address;
        }

        var current = address[start..hostEnd];
        return current is "0.0.0.0" or "[::]" or "+" or "*" ? address[..start] + host + address[hostEnd..] : address;
    }
}

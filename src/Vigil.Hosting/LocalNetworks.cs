using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Vigil.Hosting;

/// <summary>An IPv4 address of this machine with its network's prefix length.</summary>
public sealed record LocalAddress(IPAddress Address, int PrefixLength, int InterfaceIndex);

/// <summary>The IPv4 networks this machine sits on, read from its interfaces that are up and can multicast.</summary>
public static class LocalNetworks
{
    public static IReadOnlyList<LocalAddress> Read()
    {
        var found = new List<LocalAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus is not (OperationalStatus.Up or OperationalStatus.Unknown)
                || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback || !nic.SupportsMulticast)
            {
                continue;
            }

            var properties = nic.GetIPProperties();
            var index = properties.GetIPv4Properties()?.Index ?? 0;
            found.AddRange(properties.UnicastAddresses
                .Where(u => u.Address.AddressFamily == AddressFamily.InterNetwork)
                .Select(u => new LocalAddress(u.Address, u.PrefixLength, index)));
        }

        return found;
    }

    /// <summary>The networks of <paramref name="networks"/> that have one of <paramref name="only"/> as their address; all of them when <paramref name="only"/> is empty.</summary>
    public static IReadOnlyList<LocalAddress> Choose(IEnumerable<LocalAddress> networks, IReadOnlyCollection<IPAddress> only)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(only);
        return networks.Where(n => only.Count == 0 || only.Contains(n.Address)).ToList();
    }

    /// <summary>
    /// Whether <paramref name="source"/> is on one of <paramref name="networks"/> (or this machine's loopback): only such a
    /// sender is answered, so a search with a forged remote sender makes the agent send nothing across a router.
    /// </summary>
    public static bool IsOnLink(IPAddress source, IEnumerable<LocalAddress> networks)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(networks);
        if (source.IsIPv4MappedToIPv6)
        {
            source = source.MapToIPv4();
        }

        return IPAddress.IsLoopback(source)
            || (source.AddressFamily == AddressFamily.InterNetwork
                && networks.Any(n => n.Address.AddressFamily == AddressFamily.InterNetwork && SameNetwork(source, n.Address, n.PrefixLength)));
    }

    private static bool SameNetwork(IPAddress a, IPAddress b, int prefixLength)
    {
        if (prefixLength is <= 0 or > 32)
        {
            return false;
        }

        var mask = uint.MaxValue << (32 - prefixLength);
        return (ToUInt32(a) & mask) == (ToUInt32(b) & mask);
    }

    private static uint ToUInt32(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
    }
}

using System.Globalization;
using System.Net;

namespace Vigil.Agent.Discovery;

/// <summary>Where a CMS on the LAN reaches the agent's API: scheme, port and the addresses it listens on.</summary>
public sealed record ServedEndpoint(string Scheme, int Port, IReadOnlyList<string> Addresses)
{
    /// <summary>
    /// From the addresses the web server listens on (<c>https://0.0.0.0:7101</c>, <c>https://10.0.0.5:7101</c>, …):
    /// https before http, a wildcard host standing for every address in <paramref name="local"/>; loopback is left out,
    /// since no one else can reach it. Null when nothing is reachable from the LAN (an agent on loopback only).
    /// </summary>
    public static ServedEndpoint? From(IEnumerable<string> listening, IEnumerable<IPAddress> local)
    {
        ArgumentNullException.ThrowIfNull(listening);
        var localList = local.ToList();
        var candidates = listening
            .Select(url => Uri.TryCreate(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>()
            .Where(u => u.Scheme is "https" or "http")
            .Select(u => (u.Scheme, u.Port, Addresses: AddressesOf(u.Host, localList)))
            .Where(c => c.Addresses.Count > 0)
            .OrderBy(c => c.Scheme == "https" ? 0 : 1)
            .ToList();
        return candidates.Count == 0 ? null : new ServedEndpoint(candidates[0].Scheme, candidates[0].Port, candidates[0].Addresses);
    }

    private static List<string> AddressesOf(string host, List<IPAddress> local)
    {
        var trimmed = host.Trim('[', ']');
        if (trimmed is "0.0.0.0" or "::")
        {
            return local.Where(a => !IPAddress.IsLoopback(a)).Select(a => a.ToString()).ToList();
        }

        if (trimmed.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || !IPAddress.TryParse(trimmed, out var address) || IPAddress.IsLoopback(address))
        {
            return [];
        }

        return [address.ToString().ToLower(CultureInfo.InvariantCulture)];
    }
}

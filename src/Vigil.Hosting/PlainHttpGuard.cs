using System.Net;

namespace Vigil.Hosting;

/// <summary>
/// Vigil serves HTTPS unless told otherwise: a plain <c>http://</c> URL is accepted only on loopback
/// (127.0.0.0/8, ::1, localhost), where nothing crosses a network, or when the operator said
/// <see cref="Flag"/> on purpose.
/// </summary>
public static class PlainHttpGuard
{
    public const string Flag = "--insecure-http";

    /// <summary>Why the URLs may not be served, or null when they may.</summary>
    public static string? Refusal(IEnumerable<string> urls, bool insecureHttpAllowed)
    {
        ArgumentNullException.ThrowIfNull(urls);
        if (insecureHttpAllowed)
        {
            return null;
        }

        var exposed = urls.Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(u)).ToList();
        return exposed.Count == 0
            ? null
            : $"Refusing to serve plain HTTP on {string.Join(", ", exposed)}: passwords and credentials would cross the network unencrypted. " +
              $"Use an https:// URL, listen on 127.0.0.1 only, or add {Flag} if the network is protected otherwise.";
    }

    private static bool IsLoopback(string url)
    {
        // Kestrel's wildcards (http://*:80, http://+:80) are not URIs; they listen everywhere.
        if (!Uri.TryCreate(url.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal),
                UriKind.Absolute, out var uri))
        {
            return false;
        }

        return IsLoopbackHost(uri.Host);
    }

    /// <summary>Whether a host name or address stays on this machine: 127.0.0.0/8, <c>::1</c> (bracketed or not), <c>localhost</c>.</summary>
    public static bool IsLoopbackHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']');
        return string.Equals(bare, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(bare, out var address) && IPAddress.IsLoopback(address));
    }
}

namespace Vigil.Cms.Tests.Support;

/// <summary>The headers a reverse proxy in a test does not pass on: those of one connection, and the host it was sent to.</summary>
internal static class ProxyHeaders
{
    public static HashSet<string> HopByHop { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "TE", "Trailer", "Host",
    };
}

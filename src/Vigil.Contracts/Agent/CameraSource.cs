namespace Vigil.Contracts.Agent;

/// <summary>
/// A camera's stream URL read for recording. An RTSP camera is read over TCP (interleaved, one connection, what
/// crosses firewalls and NAT) unless its URL ends in <c>#transport=udp</c>; the fragment is Vigil's own option: it
/// is never sent to the camera, and it travels with the URL wherever the camera goes (the CMS, a standby).
/// </summary>
/// <param name="Address">The URL ffmpeg opens: the camera's URL without Vigil's fragment.</param>
/// <param name="Transport">"tcp" or "udp" for RTSP; null for http(s) streams.</param>
public sealed record CameraSource(string Address, string? Transport, string Host, int Port)
{
    public const string TransportOption = "transport=";

    /// <summary>The stream <paramref name="url"/> names, or null with why it is not one Vigil reads.</summary>
    public static CameraSource? Parse(string? url, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0
            || uri.Scheme is not ("rtsp" or "http" or "https"))
        {
            problem = "not an rtsp://, http:// or https:// URL with a host";
            return null;
        }

        var hash = url.IndexOf('#', StringComparison.Ordinal);
        var address = hash < 0 ? url : url[..hash];
        var fragment = hash < 0 ? null : url[(hash + 1)..];
        var rtsp = uri.Scheme == "rtsp";
        string? transport = rtsp ? "tcp" : null;
        if (fragment is not null)
        {
            var value = fragment.StartsWith(TransportOption, StringComparison.Ordinal) ? fragment[TransportOption.Length..] : null;
            if (!rtsp || value is not ("tcp" or "udp"))
            {
                problem = "the only option after '#' is transport=tcp or transport=udp, on an rtsp:// URL";
                return null;
            }

            transport = value;
        }

        return new CameraSource(address, transport, uri.Host, uri.Port > 0 ? uri.Port : DefaultPort(uri.Scheme));
    }

    private static int DefaultPort(string scheme) => scheme switch
    {
        "rtsp" => 554,
        "https" => 443,
        _ => 80,
    };
}

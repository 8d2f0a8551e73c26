namespace Vigil.Agent;

/// <summary>How <c>vigil agent</c> was started.</summary>
/// <param name="Spaces">Recording space folders; the data directory's <c>space1</c> if none is given.</param>
/// <param name="Cameras">Own cameras to add on start if missing, as (name, stream URL).</param>
/// <param name="Name">Server name to report; kept from earlier starts (or the host name) when null.</param>
/// <param name="InsecureHttp">Plain http:// is served beyond loopback only when this is set (<c>--insecure-http</c>).</param>
/// <param name="CertificateFile">A PKCS#12 file to serve TLS with instead of the self-signed certificate in the data directory;
/// its password is read from the environment, never kept here.</param>
/// <param name="LogFormat"><c>text</c> (one line per entry) or <c>json</c> (one object per entry), scopes included.</param>
/// <param name="MetricsTokenFile">A file holding the token Prometheus presents to read <c>/metrics</c>.</param>
/// <param name="Announce">Answer CMS searches on the LAN (<c>--no-announce</c> turns it off).</param>
public sealed record AgentOptions(
    string DataDirectory,
    IReadOnlyList<string> Urls,
    IReadOnlyList<string> Spaces,
    IReadOnlyList<(string Name, string Url)> Cameras,
    string? Name = null,
    string? Model = null,
    int? LicenseChannels = null,
    int SegmentSeconds = 2,
    bool InsecureHttp = false,
    string? CertificateFile = null,
    string? MetricsTokenFile = null,
    string LogFormat = "text",
    bool Announce = true)
{
    public const string DefaultUrl = "https://0.0.0.0:7101";

    public const int DefaultLicenseChannels = 16;
    public const string DefaultModel = "Vigil Agent";

    public IReadOnlyList<string> EffectiveSpaces =>
        Spaces.Count > 0 ? Spaces : [Path.Combine(DataDirectory, "space1")];

    public bool UsesHttps => Urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
}

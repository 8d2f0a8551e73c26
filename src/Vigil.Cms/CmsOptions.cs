namespace Vigil.Cms;

/// <param name="Postgres">A PostgreSQL connection string; null keeps the state in an SQLite file in <paramref name="DataDirectory"/>.</param>
/// <param name="Name">How the CMS introduces itself to agents when pairing.</param>
/// <param name="InsecureHttp">Allows plain HTTP off loopback: serving it, and speaking it to agents (<c>--insecure-http</c>).</param>
/// <param name="CertificateFile">A PKCS#12 file to serve TLS with instead of the self-signed certificate in the data directory.</param>
/// <param name="LogFormat"><c>text</c> (one line per entry) or <c>json</c> (one object per entry), scopes included.</param>
/// <param name="MetricsTokenFile">A file holding the token Prometheus presents to read <c>/metrics</c>; without it only a signed-in user can.</param>
/// <param name="UpdateKeysFile">A PEM file of the publisher public keys whose agent update packages this CMS accepts; without it none.</param>
/// <param name="SearchOn">The addresses of this machine whose networks a LAN search covers (<c>--search-on</c>); none: every network it is on.</param>
public sealed record CmsOptions(
    string DataDirectory,
    IReadOnlyList<string> Urls,
    string? Postgres,
    string Name,
    bool InsecureHttp = false,
    string? CertificateFile = null,
    string? MetricsTokenFile = null,
    string LogFormat = "text",
    string? UpdateKeysFile = null,
    IReadOnlyList<System.Net.IPAddress>? SearchOn = null)
{
    public const string DefaultUrl = "https://0.0.0.0:7180";

    public bool UsesHttps => Urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
}

namespace Vigil.Cms;

/// <param name="Postgres">A PostgreSQL connection string; null keeps the state in an SQLite file in <paramref name="DataDirectory"/>.</param>
/// <param name="Name">How the CMS introduces itself to agents when pairing.</param>
/// <param name="InsecureHttp">Allows plain HTTP off loopback: serving it, and speaking it to agents (<c>--insecure-http</c>).</param>
public sealed record CmsOptions(string DataDirectory, IReadOnlyList<string> Urls, string? Postgres, string Name, bool InsecureHttp = false)
{
    public bool UsesHttps => Urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
}

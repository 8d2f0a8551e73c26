namespace Vigil.Contracts.Discovery;

/// <summary>Which CMS paired an agent: its name and installation id, both public (the id only names the CMS).</summary>
public sealed record CmsReference(string Name, string? Id);

/// <summary>
/// What an agent says about itself on the LAN: enough to fill the Add server form and to decide whether it can be
/// added, nothing secret (the same as its unauthenticated identity, plus where to reach it and who manages it).
/// </summary>
/// <param name="Nonce">The search this answers, so a CMS takes only answers to its own search.</param>
/// <param name="Addresses">The IP addresses the agent serves its API on.</param>
/// <param name="Scheme"><c>https</c> or <c>http</c>.</param>
/// <param name="CertificateFingerprint">SHA-256 of its TLS certificate; still confirmed by eye before anything secret is sent.</param>
/// <param name="ManagedBy">The CMS it is paired with (the newest pairing), or null when it runs standalone.</param>
public sealed record SearchAnswer(
    string Nonce,
    string Name,
    string Model,
    string Serial,
    string Version,
    IReadOnlyList<string> Addresses,
    int Port,
    string Scheme,
    string? CertificateFingerprint,
    CmsReference? ManagedBy);

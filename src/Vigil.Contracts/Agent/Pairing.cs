namespace Vigil.Contracts.Agent;

/// <summary>The CMS presents the agent's admin password once.</summary>
public sealed record PairingRequest(string Password, string CmsName);

/// <summary>
/// The credential the CMS uses from then on (as a bearer token); the agent keeps only its hash.
/// </summary>
public sealed record PairingResponse(string Credential, string Serial, string? CertificateFingerprint);

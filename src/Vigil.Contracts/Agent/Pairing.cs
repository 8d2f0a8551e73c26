namespace Vigil.Contracts.Agent;

/// <summary>The CMS presents the agent's admin password once.</summary>
/// <param name="CmsId">The CMS installation's stable id: pairing again from it replaces its earlier credential.</param>
public sealed record PairingRequest(string Password, string CmsName, string? CmsId = null);

/// <summary>
/// The credential the CMS uses from then on (as a bearer token); the agent keeps only its hash.
/// </summary>
public sealed record PairingResponse(string Credential, string Serial, string? CertificateFingerprint);

/// <summary>Who answers at an agent's address, without authentication: enough to decide whether to trust it.</summary>
/// <param name="CertificateFingerprint">SHA-256 of the agent's TLS certificate as it printed it at start; null over plain HTTP.</param>
public sealed record AgentIdentityView(string Name, string Model, string Serial, string Version, string? CertificateFingerprint);

/// <summary>The agent's new admin password (8 to 1024 characters); the current one goes in the Basic authorization.</summary>
public sealed record AdminPasswordChange(string NewPassword);

/// <summary>One destructive call the agent obeyed.</summary>
/// <param name="Who">"admin" (the password) or "cms:NAME" (a paired CMS), and the client address.</param>
/// <param name="Action">What was done, e.g. <c>camera.delete</c>, <c>takeover.discard</c>, <c>footage.remove</c>, <c>restore.receive</c>.</param>
public sealed record AuditEntry(DateTimeOffset At, string Who, string Action, string Detail);

public sealed record AuditList(IReadOnlyList<AuditEntry> Entries);

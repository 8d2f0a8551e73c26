using Vigil.Contracts.Cms;

namespace Vigil.Cms.Agents;

/// <summary>
/// Where an agent is and how the CMS may trust it: over https only the pinned certificate fingerprint is
/// accepted; none pinned means a first look without any secret, before the operator decides to trust it.
/// </summary>
/// <param name="Credential">The pairing credential (bearer), or null to use the admin password.</param>
/// <param name="AdminPassword">The agent's admin password, for contact before pairing.</param>
/// <param name="LeaderTerm">The leading CMS host's term, sent with every call so the agent can refuse an older leader's takeover commands.</param>
public sealed record AgentEndpoint(ServerAddress Address, string? PinnedFingerprint, string? Credential = null, string? AdminPassword = null, long? LeaderTerm = null)
{
    public Uri BaseUri => new($"{Address}/");
}

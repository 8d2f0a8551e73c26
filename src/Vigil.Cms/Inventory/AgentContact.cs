using Microsoft.AspNetCore.Http;
using Vigil.Cms.Agents;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Inventory;

/// <summary>
/// An agent reached with its admin password, after its certificate was trusted: what it said about itself and the
/// fingerprint pinned for it. The password is never sent before that trust decision (<see cref="AgentSighting"/>).
/// </summary>
internal sealed record AgentContact(ServerAddress Address, AgentInfo Info, string? Fingerprint)
{
    public const int MaxHostLength = 253;
    public const int MaxPasswordLength = 1024;

    public static class Rules
    {
        public const string InvalidAddress = "server.invalid-address";
        public const string PasswordRequired = "server.password-required";
        public const string FingerprintMismatch = "agent.certificate-mismatch";
        public const string FingerprintUnconfirmed = "server.fingerprint-unconfirmed";
        public const string DifferentAgent = "server.different-agent";
    }

    /// <summary>
    /// Reaches the agent <paramref name="sighting"/> found with its admin password, only if its certificate is the one the
    /// operator confirmed (<paramref name="trustedFingerprint"/>); refuses with the reason it could not.
    /// </summary>
    public static async Task<AgentContact> ReachAsync(AgentSighting sighting, string? password, string? trustedFingerprint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        CheckPassword(password);
        var pinned = sighting.RequireTrusted(trustedFingerprint);
        using var client = AgentClients.WithPassword(sighting.Address, password!, pinned);
        AgentInfo info;
        try
        {
            info = await client.InfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw Refusal(e);
        }

        if (!string.Equals(info.Serial, sighting.Identity.Serial, StringComparison.Ordinal))
        {
            throw new RefusedException(Rules.DifferentAgent,
                $"{sighting.Address} answered as serial {sighting.Identity.Serial}, then as {info.Serial}; not trusting it.", StatusCodes.Status502BadGateway);
        }

        return new AgentContact(sighting.Address, info, pinned);
    }

    /// <summary>Pairs with the reached agent over its pinned certificate; pairing again from the same CMS replaces its older credential.</summary>
    public async Task<PairingResponse> PairAsync(string password, string cmsName, string cmsId, CancellationToken cancellationToken)
    {
        using var client = AgentClients.WithPassword(Address, password, Fingerprint);
        try
        {
            return await client.PairAsync(password, cmsName, cmsId, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw Refusal(e);
        }
    }

    public static RefusedException Refusal(AgentCallException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new RefusedException(e.Rule, e.Message,
            e.Rule == AgentCallException.Rules.WrongPassword ? StatusCodes.Status400BadRequest : StatusCodes.Status502BadGateway);
    }

    public static void CheckAddress(ServerAddress? address)
    {
        if (address is null || string.IsNullOrWhiteSpace(address.Host) || address.Host.Length > MaxHostLength
            || address.Host.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '/' or '?' or '#' or '@')
            || Uri.CheckHostName(address.Host) == UriHostNameType.Unknown)
        {
            throw new RefusedException(Rules.InvalidAddress, $"'{address?.Host}' is not an IP address or host name.");
        }

        if (address.Port is < 1 or > 65535)
        {
            throw new RefusedException(Rules.InvalidAddress, $"Port {address.Port} is not between 1 and 65535.");
        }
    }

    private static void CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length > MaxPasswordLength)
        {
            throw new RefusedException(Rules.PasswordRequired, $"The agent's admin password is required (at most {MaxPasswordLength} characters).");
        }
    }
}

using Microsoft.AspNetCore.Http;
using Vigil.Cms.Agents;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Inventory;

/// <summary>An agent reached with its admin password: what it said about itself and the certificate it showed.</summary>
internal sealed record AgentContact(ServerAddress Address, AgentInfo Info, string? Fingerprint)
{
    public const int MaxHostLength = 253;
    public const int MaxPasswordLength = 1024;

    public static class Rules
    {
        public const string InvalidAddress = "server.invalid-address";
        public const string PasswordRequired = "server.password-required";
        public const string FingerprintMismatch = "agent.certificate-mismatch";
    }

    /// <summary>Reaches the agent at <paramref name="address"/>; refuses with the reason it could not.</summary>
    public static async Task<AgentContact> ReachAsync(ServerAddress address, string? password, CancellationToken cancellationToken)
    {
        CheckAddress(address);
        CheckPassword(password);
        using var client = AgentClients.WithPassword(address, password!);
        AgentInfo info;
        try
        {
            info = await client.InfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw Refusal(e);
        }

        // Over https the agent reports its own fingerprint; a different one on the wire means something sits in between.
        if (address.Https && info.CertificateFingerprint is { } reported
            && !string.Equals(reported, client.SeenFingerprint, StringComparison.OrdinalIgnoreCase))
        {
            throw new RefusedException(Rules.FingerprintMismatch,
                $"The agent at {address} reports certificate {reported}, but the connection presented {client.SeenFingerprint}; not trusting it.",
                StatusCodes.Status502BadGateway);
        }

        return new AgentContact(address, info, address.Https ? client.SeenFingerprint : null);
    }

    /// <summary>Pairs with the agent at <paramref name="address"/>, trusting only <paramref name="fingerprint"/> over https.</summary>
    public static async Task<PairingResponse> PairAsync(
        ServerAddress address, string password, string? fingerprint, string cmsName, CancellationToken cancellationToken)
    {
        using var client = AgentClients.WithPassword(address, password, fingerprint);
        try
        {
            return await client.PairAsync(password, cmsName, cancellationToken).ConfigureAwait(false);
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

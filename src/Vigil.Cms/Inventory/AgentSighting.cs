using Microsoft.AspNetCore.Http;
using Vigil.Cms.Agents;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Inventory;

/// <summary>
/// A first look at whoever answers at an address, without sending any secret: the agent's public identity and, over
/// https, the fingerprint of the certificate the connection presented. The operator compares that fingerprint with the
/// one the agent printed at start; only a confirmed fingerprint is trusted with the admin password or a credential.
/// </summary>
internal sealed record AgentSighting(ServerAddress Address, AgentIdentityView Identity, string? Fingerprint)
{
    /// <summary>Looks at <paramref name="address"/>; refuses plain HTTP off loopback unless the CMS allows it, and an unreachable address.</summary>
    public static async Task<AgentSighting> TakeAsync(ServerAddress address, bool insecureHttp, CancellationToken cancellationToken)
    {
        AgentContact.CheckAddress(address);
        if (AgentTransport.Check(address, insecureHttp) is { } plainHttp)
        {
            throw new RefusedException(plainHttp);
        }

        using var client = AgentClients.Anonymous(address);
        AgentIdentityView identity;
        try
        {
            identity = await client.IdentityAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw AgentContact.Refusal(e);
        }

        // The agent reports its own certificate; a different one on the wire means something sits in between.
        if (address.Https && !Same(identity.CertificateFingerprint, client.SeenFingerprint))
        {
            throw new RefusedException(AgentContact.Rules.FingerprintMismatch,
                $"The agent at {address} reports certificate {identity.CertificateFingerprint ?? "(none)"}, but the connection presented {client.SeenFingerprint}; not trusting it.",
                StatusCodes.Status502BadGateway);
        }

        return new AgentSighting(address, identity, address.Https ? client.SeenFingerprint : null);
    }

    /// <summary>Looks at a managed server's (new) address without any secret; refuses unless the agent there has its serial.</summary>
    public static async Task<AgentSighting> TakeOfAsync(ServerRow row, ServerAddress address, bool insecureHttp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        var sighting = await TakeAsync(address, insecureHttp, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(sighting.Identity.Serial, row.Serial, StringComparison.Ordinal))
        {
            throw new RefusedException(AgentContact.Rules.DifferentAgent,
                $"The agent at {address} has serial {sighting.Identity.Serial}, but '{row.Name}' is serial {row.Serial}; nothing was sent to it. Add it as a new server instead.",
                StatusCodes.Status409Conflict);
        }

        return sighting;
    }

    /// <summary>The certificate already trusted for a server, when its (new) address is https too.</summary>
    public static string? Pinned(ServerRow row, ServerAddress address)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(address);
        return address.Https && row.Https ? row.CertificateFingerprint : null;
    }

    /// <summary>True when nothing more needs confirming: plain HTTP (allowed above), or the certificate is the trusted one.</summary>
    public bool IsTrusted(string? trustedFingerprint) => !Address.Https || Same(trustedFingerprint, Fingerprint);

    /// <summary>The fingerprint to pin: refuses when the operator has not confirmed the certificate the agent presents.</summary>
    public string? RequireTrusted(string? trustedFingerprint)
    {
        if (IsTrusted(trustedFingerprint))
        {
            return Fingerprint;
        }

        var refused = string.IsNullOrWhiteSpace(trustedFingerprint)
            ? new RefusedException(AgentContact.Rules.FingerprintUnconfirmed, UnconfirmedMessage, StatusCodes.Status409Conflict)
            : new RefusedException(AgentContact.Rules.FingerprintMismatch,
                $"The agent at {Address} presents certificate {Fingerprint}, not the confirmed {trustedFingerprint}; nothing was sent to it.", StatusCodes.Status409Conflict);
        refused.Extensions["fingerprint"] = Fingerprint;
        throw refused;
    }

    public string UnconfirmedMessage =>
        $"The agent at {Address} ('{Identity.Name}', serial {Identity.Serial}) presents certificate {Fingerprint}. Compare it with the fingerprint the agent printed at start and repeat with it confirmed; its admin password was not sent.";

    public static bool Same(string? a, string? b) =>
        a is not null && b is not null && Normalise(a) is { Length: > 0 } digits && string.Equals(digits, Normalise(b), StringComparison.Ordinal);

    /// <summary>Fingerprints compare as hex digits: "ab:cd" and "ABCD" are the same certificate.</summary>
    private static string Normalise(string fingerprint) =>
        new([.. fingerprint.Where(char.IsAsciiHexDigit).Select(char.ToUpperInvariant)]);
}

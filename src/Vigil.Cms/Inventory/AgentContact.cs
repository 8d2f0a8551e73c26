using Microsoft.AspNetCore.Http;
using Vigil.Cms.Agents;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Inventory;

/// <summary>
/// An agent reached with its admin password, after its certificate was trusted: what it said about itself, the
/// fingerprint pinned for it, and the client it was reached on. The password is never sent before that trust decision
/// (<see cref="AgentSighting"/>). Later calls with the same password (pairing, a password change) go over that client's
/// connection instead of opening and authenticating another: a batch of 64 servers saves 64 TLS handshakes.
/// </summary>
internal sealed class AgentContact : IDisposable
{
    public const int MaxHostLength = 253;
    public const int MaxPasswordLength = 1024;

    private readonly AgentClient _client;
    private readonly string _password;

    private AgentContact(AgentClient client, string password, ServerAddress address, AgentInfo info, string? fingerprint)
    {
        _client = client;
        _password = password;
        Address = address;
        Info = info;
        Fingerprint = fingerprint;
    }

    public ServerAddress Address { get; }

    public AgentInfo Info { get; }

    public string? Fingerprint { get; }

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
        var client = AgentClients.WithPassword(sighting.Address, password!, pinned);
        try
        {
            var info = await AskAsync(() => client.InfoAsync(cancellationToken)).ConfigureAwait(false);
            if (!string.Equals(info.Serial, sighting.Identity.Serial, StringComparison.Ordinal))
            {
                throw new RefusedException(Rules.DifferentAgent,
                    $"{sighting.Address} answered as serial {sighting.Identity.Serial}, then as {info.Serial}; not trusting it.", StatusCodes.Status502BadGateway);
            }

            return new AgentContact(client, password!, sighting.Address, info, pinned);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Pairs with the reached agent, with the password it was reached with; pairing again from the same CMS replaces its older credential.</summary>
    public Task<PairingResponse> PairAsync(string cmsName, string cmsId, CancellationToken cancellationToken) =>
        AskAsync(() => _client.PairAsync(_password, cmsName, cmsId, cancellationToken));

    /// <summary>
    /// Sets the agent's admin password to <paramref name="newPassword"/>; the agent ends every credential it issued, and the
    /// password this contact holds is no longer the agent's (<see cref="PairWithAsync"/> pairs with the new one).
    /// </summary>
    public Task ChangeAdminPasswordAsync(string newPassword, CancellationToken cancellationToken) =>
        AskAsync(() => _client.ChangeAdminPasswordAsync(newPassword, cancellationToken));

    /// <summary>Pairs with the agent this contact reached, over its pinned certificate, with another password (one just set).</summary>
    public async Task<PairingResponse> PairWithAsync(string password, string cmsName, string cmsId, CancellationToken cancellationToken)
    {
        using var client = AgentClients.WithPassword(Address, password, Fingerprint);
        return await AskAsync(() => client.PairAsync(password, cmsName, cmsId, cancellationToken)).ConfigureAwait(false);
    }

    public void Dispose() => _client.Dispose();

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

    /// <summary>Makes the agent's refusal of a call the operator's error (<see cref="Refusal"/>).</summary>
    private static async Task AskAsync(Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw Refusal(e);
        }
    }

    /// <summary>One call to the agent; its refusal or silence is answered to the operator as a refusal (<see cref="Refusal"/>).</summary>
    private static async Task<T> AskAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw Refusal(e);
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

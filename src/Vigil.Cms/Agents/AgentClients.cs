using System.Collections.Concurrent;
using System.Security.Cryptography;
using Vigil.Cms.Leadership;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Agents;

/// <summary>
/// One long-lived <see cref="AgentClient"/> per paired server, so the probe every second reuses its
/// connection. A client is replaced when the server's address, pin or credential changes. A credential
/// that cannot be decrypted gives an <see cref="UnusableAgent"/> that says so on every call, never an
/// exception out of <see cref="For"/>: one damaged row must not stop the CMS serving the others.
/// </summary>
/// <param name="leadership">Whose term the paired servers' clients carry; none in tests that make clients without a host.</param>
internal sealed class AgentClients(SecretProtector secrets, TimeProvider time, HostLeadership? leadership = null) : IAgentConnections, IDisposable
{
    /// <summary>Timeout of inventory calls and of contact while adding a server (probes use the probe timeout).</summary>
    public static TimeSpan CallTimeout { get; } = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<int, (ClientKey Key, IAgentApi Client)> _clients = new();

    public IAgentApi For(ServerRow server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var key = new ClientKey(server.Host, server.Port, server.Https, server.CertificateFingerprint, server.ProtectedCredential);

        // Every probe asks: the usual answer, the same client, costs no allocation.
        if (_clients.TryGetValue(server.Id, out var known) && known.Key == key)
        {
            return known.Client;
        }

        var entry = _clients.AddOrUpdate(
            server.Id,
            _ => (key, Create(server)),
            (_, existing) =>
            {
                if (existing.Key == key)
                {
                    return existing;
                }

                (existing.Client as IDisposable)?.Dispose();
                return (key, Create(server));
            });
        return entry.Client;
    }

    public void Forget(int serverId)
    {
        if (_clients.TryRemove(serverId, out var entry))
        {
            (entry.Client as IDisposable)?.Dispose();
        }
    }

    /// <summary>A client that sends no secret at all: to read who answers at an address before deciding to trust it.</summary>
    public static AgentClient Anonymous(ServerAddress address) => new(new AgentEndpoint(address, PinnedFingerprint: null), CallTimeout);

    /// <summary>A client speaking with the agent's admin password; over https only to the trusted <paramref name="pinnedFingerprint"/>.</summary>
    public static AgentClient WithPassword(ServerAddress address, string password, string? pinnedFingerprint) =>
        new(new AgentEndpoint(address, pinnedFingerprint, AdminPassword: password), CallTimeout);

    public void Dispose()
    {
        foreach (var entry in _clients.Values)
        {
            (entry.Client as IDisposable)?.Dispose();
        }

        _clients.Clear();
    }

    private IAgentApi Create(ServerRow server)
    {
        string credential;
        try
        {
            credential = secrets.Unprotect(server.ProtectedCredential);
        }
        catch (CryptographicException)
        {
            return new UnusableAgent(new AgentCallException(AgentCallException.Rules.CredentialUnreadable,
                $"The CMS cannot read its stored credential for '{server.Name}' (a database restored without its keys folder, or a damaged row); edit the server and give its admin password to pair again."));
        }

        // Only the leader calls paired servers, and a host leads for one term at most: the term never changes under a client.
        return new AgentClient(
            new AgentEndpoint(new ServerAddress(server.Host, server.Port, server.Https), server.CertificateFingerprint, credential, LeaderTerm: leadership?.Term?.Grant.Term),
            CallTimeout, time);
    }

    /// <summary>What a server's client is made from: a change to any of it makes a new client.</summary>
    private readonly record struct ClientKey(string Host, int Port, bool Https, string? Fingerprint, string Credential);
}

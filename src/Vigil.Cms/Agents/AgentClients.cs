using System.Collections.Concurrent;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Agents;

/// <summary>
/// One long-lived <see cref="AgentClient"/> per paired server, so the probe every second reuses its
/// connection. A client is replaced when the server's address, pin or credential changes.
/// </summary>
public sealed class AgentClients(SecretProtector secrets) : IDisposable
{
    /// <summary>Timeout of inventory calls and of contact while adding a server (probes use the probe timeout).</summary>
    public static TimeSpan CallTimeout { get; } = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<int, (string Key, AgentClient Client)> _clients = new();

    internal AgentClient For(ServerRow server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var key = $"{server.Host}|{server.Port}|{server.Https}|{server.CertificateFingerprint}|{server.ProtectedCredential}";
        var entry = _clients.AddOrUpdate(
            server.Id,
            _ => (key, Create(server)),
            (_, existing) =>
            {
                if (existing.Key == key)
                {
                    return existing;
                }

                existing.Client.Dispose();
                return (key, Create(server));
            });
        return entry.Client;
    }

    public void Forget(int serverId)
    {
        if (_clients.TryRemove(serverId, out var entry))
        {
            entry.Client.Dispose();
        }
    }

    /// <summary>A client for an agent not yet paired, speaking with its admin password.</summary>
    public static AgentClient WithPassword(ServerAddress address, string password, string? pinnedFingerprint = null) =>
        new(new AgentEndpoint(address, pinnedFingerprint, AdminPassword: password), CallTimeout);

    public void Dispose()
    {
        foreach (var entry in _clients.Values)
        {
            entry.Client.Dispose();
        }

        _clients.Clear();
    }

    private AgentClient Create(ServerRow server) => new(
        new AgentEndpoint(new ServerAddress(server.Host, server.Port, server.Https), server.CertificateFingerprint, secrets.Unprotect(server.ProtectedCredential)),
        CallTimeout);
}

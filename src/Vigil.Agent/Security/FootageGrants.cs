using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Agent.Security;

/// <summary>
/// Read-only grants the CMS gave for one takeover's footage each, so the recording server it belongs to can fetch it from
/// here directly. Only each token's SHA-256 is known here. Kept in memory: a restarted standby has none, the recording
/// server's next pull is refused, and the CMS simply gives a new grant with its next attempt.
/// </summary>
public sealed class FootageGrants(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (string Key, DateTimeOffset Expires)> _grants = new(StringComparer.Ordinal);

    public void Add(string key, string tokenSha256, DateTimeOffset expires)
    {
        var now = time.GetUtcNow();
        foreach (var (hash, grant) in _grants)
        {
            if (grant.Expires <= now)
            {
                _grants.TryRemove(hash, out _);
            }
        }

        _grants[tokenSha256.ToLowerInvariant()] = (key, expires);
    }

    /// <summary>The takeover key a token may read, or null when it is unknown or expired.</summary>
    public string? KeyOf(string token)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        return _grants.TryGetValue(hash, out var grant) && grant.Expires > time.GetUtcNow() ? grant.Key : null;
    }
}

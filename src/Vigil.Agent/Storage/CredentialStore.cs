using System.Security.Cryptography;
using System.Text;

namespace Vigil.Agent.Storage;

/// <summary>
/// Credentials handed to CMS hosts at pairing. Only a SHA-256 of each is stored: a credential is 256
/// random bits, so a fast hash is enough and lets every request be checked cheaply.
/// </summary>
public sealed class CredentialStore(AgentDatabase database, TimeProvider time)
{
    public string Issue(string cmsName)
    {
        var credential = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var connection = database.Open();
        connection.Execute("INSERT INTO credentials(cms_name, token_hash, created_ms) VALUES($cms, $hash, $created)",
            ("$cms", cmsName), ("$hash", Hash(credential)), ("$created", time.GetUtcNow().ToUnixTimeMilliseconds()));
        return credential;
    }

    /// <summary>The CMS name the credential was issued to, or null if it is unknown.</summary>
    public string? Holder(string credential)
    {
        using var connection = database.Open();
        return connection.Query("SELECT cms_name FROM credentials WHERE token_hash = $hash", r => r.GetString(0), ("$hash", Hash(credential)))
            .FirstOrDefault();
    }

    private static string Hash(string credential) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));
}

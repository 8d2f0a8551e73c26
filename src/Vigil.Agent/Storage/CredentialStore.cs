using System.Security.Cryptography;
using System.Text;

namespace Vigil.Agent.Storage;

/// <summary>
/// Credentials handed to CMS hosts at pairing. Only a SHA-256 of each is stored: a credential is 256
/// random bits, so a fast hash is enough and lets every request be checked cheaply.
/// </summary>
public sealed class CredentialStore(AgentDatabase database, TimeProvider time)
{
    /// <summary>
    /// A new credential for <paramref name="cmsName"/>. When the CMS names its installation id, the credentials
    /// it was given before end here: a CMS that pairs again does not leave a working credential behind.
    /// </summary>
    public string Issue(string cmsName, string? cmsId)
    {
        var credential = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var connection = database.Open();
        connection.InTransaction(() =>
        {
            if (cmsId is not null)
            {
                connection.Execute("DELETE FROM credentials WHERE cms_id = $id", ("$id", cmsId));
            }

            connection.Execute("INSERT INTO credentials(cms_name, cms_id, token_hash, created_ms) VALUES($cms, $id, $hash, $created)",
                ("$cms", cmsName), ("$id", cmsId), ("$hash", Hash(credential)), ("$created", time.GetUtcNow().ToUnixTimeMilliseconds()));
        });
        return credential;
    }

    /// <summary>The CMS name the credential was issued to, or null if it is unknown.</summary>
    public string? Holder(string credential)
    {
        using var connection = database.Open();
        return connection.Query("SELECT cms_name FROM credentials WHERE token_hash = $hash", r => r.GetString(0), ("$hash", Hash(credential)))
            .FirstOrDefault();
    }

    /// <summary>The CMS that paired last (name and installation id), or null while none holds a credential: the agent is then standalone.</summary>
    public Contracts.Discovery.CmsReference? Manager()
    {
        using var connection = database.Open();
        return connection.Query("SELECT cms_name, cms_id FROM credentials ORDER BY id DESC LIMIT 1",
            r => new Contracts.Discovery.CmsReference(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1))).FirstOrDefault();
    }

    /// <summary>Ends one credential; false if it was not known.</summary>
    public bool Revoke(string credential)
    {
        using var connection = database.Open();
        return connection.Execute("DELETE FROM credentials WHERE token_hash = $hash", ("$hash", Hash(credential))) > 0;
    }

    /// <summary>Ends every credential (the admin password changed); answers how many there were.</summary>
    public int RevokeAll()
    {
        using var connection = database.Open();
        return connection.Execute("DELETE FROM credentials");
    }

    private static string Hash(string credential) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential)));
}

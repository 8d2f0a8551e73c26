using Microsoft.AspNetCore.DataProtection;

namespace Vigil.Cms.Security;

/// <summary>
/// Encrypts the agent credentials the CMS keeps. On SQLite the key ring lives in the data directory, not in the
/// database, so a copy of the database alone does not give access to the agents. On PostgreSQL it lives in the
/// database, shared by every CMS host (see <see cref="SharedKeyRing"/>): its backups must be kept as safely as the agents' passwords.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Vigil.Cms.AgentCredential.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}

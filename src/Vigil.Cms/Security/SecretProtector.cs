using Microsoft.AspNetCore.DataProtection;

namespace Vigil.Cms.Security;

/// <summary>
/// Encrypts the agent credentials the CMS keeps. The key ring lives in the data directory, never in
/// the database, so a copy of the database alone does not give access to the agents.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Vigil.Cms.AgentCredential.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}

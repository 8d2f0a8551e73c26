using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// What an attacker holding a copy of a CMS's data directory (its SQLite database and key ring) can read: the agent
/// credentials the CMS keeps, decrypted as the CMS decrypts them.
/// </summary>
public static class StolenSecrets
{
    public static async Task<string> AgentCredentialAsync(string cmsDataDirectory, string serverName)
    {
        var provider = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(cmsDataDirectory, "keys")), b => b.SetApplicationName("vigil-cms"));
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(cmsDataDirectory, CmsDatabase.SqliteFileName)};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ProtectedCredential FROM Servers WHERE Name = $name";
        command.Parameters.AddWithValue("$name", serverName);
        var stored = (string)(await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"No server '{serverName}' in the CMS database."));
        return provider.CreateProtector("Vigil.Cms.AgentCredential.v1").Unprotect(stored);
    }
}

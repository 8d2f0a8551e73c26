using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Security;

/// <summary>
/// On PostgreSQL the key ring that encrypts the agents' credentials lives in the database, so every CMS host sharing it
/// can talk to the agents. A CMS that ran on PostgreSQL before kept its key ring in its data directory: at the first
/// start with a shared key ring, those keys are copied into the database, so the credentials they encrypted stay readable.
/// </summary>
internal static class SharedKeyRing
{
    /// <returns>How many keys were copied (none when the database already has a key ring).</returns>
    public static async Task<int> ImportAsync(CmsDbContext db, string keysDirectory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(keysDirectory) || await db.DataProtectionKeys.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var files = Directory.GetFiles(keysDirectory, "*.xml");
        foreach (var file in files)
        {
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = XElement.Load(file).ToString(SaveOptions.DisableFormatting),
            });
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return files.Length;
    }
}

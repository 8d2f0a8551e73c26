using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Security;

/// <summary>
/// On PostgreSQL the key ring that encrypts the agents' credentials lives in the database, so every CMS host sharing it
/// can talk to the agents. A CMS that ran on PostgreSQL before kept its key ring in its data directory: at each start,
/// the keys of that folder that the database lacks are copied in, so the credentials they encrypted stay readable (a key
/// ring that meets a key it does not know reads the store again), even if another host already made a key of its own.
/// </summary>
internal static class SharedKeyRing
{
    /// <returns>How many keys were copied (none when the database has them all).</returns>
    public static async Task<int> ImportAsync(CmsDbContext db, string keysDirectory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(keysDirectory))
        {
            return 0;
        }

        var known = (await db.DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var missing = Directory.GetFiles(keysDirectory, "*.xml").Where(f => !known.Contains(Path.GetFileNameWithoutExtension(f))).ToList();
        foreach (var file in missing)
        {
            db.DataProtectionKeys.Add(new DataProtectionKey
            {
                FriendlyName = Path.GetFileNameWithoutExtension(file),
                Xml = XElement.Load(file).ToString(SaveOptions.DisableFormatting),
            });
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return missing.Count;
    }
}

using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Inventory;

/// <summary>
/// The CMS installation's stable id, kept in its database: an agent that pairs again with the same id drops the
/// credential it gave this CMS before, so re-pairing never leaves an old credential valid.
/// </summary>
internal static class CmsInstallation
{
    private const string Key = "cms-id";

    /// <summary>Creates the id on first start; called before the CMS serves anything, so no two requests race to create it.</summary>
    public static async Task EnsureAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Settings.AnyAsync(s => s.Key == Key, cancellationToken).ConfigureAwait(false))
        {
            db.Settings.Add(new SettingRow { Key = Key, Json = $"\"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}\"" });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public static async Task<string> IdAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        var json = await db.Settings.AsNoTracking().Where(s => s.Key == Key).Select(s => s.Json).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The CMS installation id is missing; it is created at start.");
        return json.Trim('"');
    }
}

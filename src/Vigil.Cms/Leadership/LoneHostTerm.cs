using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Leadership;

/// <summary>
/// The leader term of a lone host on SQLite, which leads from its start: microseconds since 1970 at that start, and
/// always above the term of its previous start (kept in the settings table), so a clock set back between two starts
/// cannot make the agents refuse the CMS's takeover commands as coming from an older leader.
/// </summary>
internal static class LoneHostTerm
{
    public const string Key = "leader_term";

    public static async Task<long> NextAsync(CmsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == Key, cancellationToken).ConfigureAwait(false);
        var last = row is null ? 0 : long.Parse(row.Json, CultureInfo.InvariantCulture);
        var term = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds() * 1000, last + 1);
        var json = term.ToString(CultureInfo.InvariantCulture);
        if (row is null)
        {
            db.Settings.Add(new SettingRow { Key = Key, Json = json });
        }
        else
        {
            row.Json = json;
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return term;
    }
}

using Microsoft.EntityFrameworkCore;

namespace Vigil.Cms.Storage;

/// <summary>The settings table: one JSON document per key (the failover settings, the drill settings, the alert targets, …).</summary>
internal static class SettingsDocuments
{
    public static async Task<string?> ReadAsync(CmsDbContext db, string key, CancellationToken cancellationToken) =>
        await db.Settings.AsNoTracking().Where(s => s.Key == key).Select(s => s.Json).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Stages the document under <paramref name="key"/>, new or replaced; the caller's save writes it with whatever else it changes.</summary>
    public static async Task PutAsync(CmsDbContext db, string key, string json, CancellationToken cancellationToken)
    {
        var row = await db.Settings.FirstOrDefaultAsync(s => s.Key == key, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            db.Settings.Add(new SettingRow { Key = key, Json = json });
        }
        else
        {
            row.Json = json;
        }
    }
}

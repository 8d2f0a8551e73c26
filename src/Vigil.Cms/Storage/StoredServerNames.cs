using Microsoft.EntityFrameworkCore;

namespace Vigil.Cms.Storage;

/// <summary>
/// Servers' current names by id, as episodes, drills and their events show them. Only the two columns are read: a
/// whole row carries the server's cameras and spaces as JSON, and reading every row whole for each failover transition
/// took a sixth of the CMS's CPU while it failed servers over at 5 000 servers.
/// </summary>
internal static class StoredServerNames
{
    /// <summary>Every server's name, for a view that lists many episodes or drills.</summary>
    public static async Task<Dictionary<int, string>> AllAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Servers.AsNoTracking().Select(s => new { s.Id, s.Name })
            .ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The names of <paramref name="ids"/> (those that still exist): a transition names one or two servers, whatever the site's size.</summary>
    public static async Task<Dictionary<int, string>> OfAsync(CmsDbContext db, IReadOnlyCollection<int> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Servers.AsNoTracking().Where(s => ids.Contains(s.Id)).Select(s => new { s.Id, s.Name })
            .ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken).ConfigureAwait(false);
    }
}

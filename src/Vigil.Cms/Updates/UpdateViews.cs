using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Updates;

/// <summary>Agent updates as operators read them: the history, and each server's latest.</summary>
internal sealed class UpdateViews(CmsDbContext db, TimeProvider time)
{
    public const int DefaultLimit = 100;

    /// <summary>How many of the latest updates are looked at for the server list: more than any batch the CMS runs in an hour.</summary>
    private const int RecentRows = 2000;

    /// <summary>An ended update stays on its server's line this long, so the operator sees how it went.</summary>
    public static readonly TimeSpan ShownAfterEnd = TimeSpan.FromHours(1);

    public async Task<ServerUpdateList> ListAsync(int? server, int? limit, CancellationToken cancellationToken)
    {
        var rows = await db.ServerUpdates.AsNoTracking()
            .Where(u => server == null || u.ServerId == server)
            .OrderByDescending(u => u.Id)
            .Take(Math.Clamp(limit ?? DefaultLimit, 1, 1000))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return new ServerUpdateList(rows.Select(ToView).ToList());
    }

    /// <summary>Each server's update under way, or ended within <see cref="ShownAfterEnd"/>.</summary>
    public async Task<IReadOnlyDictionary<int, ServerUpdateView>> LatestAsync(CancellationToken cancellationToken)
    {
        // SQLite cannot compare DateTimeOffset in SQL: the recent rows are read by id and the time is checked here.
        var since = time.GetUtcNow() - ShownAfterEnd;
        var rows = await db.ServerUpdates.AsNoTracking()
            .OrderByDescending(u => u.Id)
            .Take(RecentRows)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Where(u => u.IsOpen || u.EndedAt > since)
            .GroupBy(u => u.ServerId)
            .ToDictionary(g => g.Key, g => ToView(g.MaxBy(u => u.Id)!));
    }

    public static ServerUpdateView ToView(ServerUpdateRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new ServerUpdateView(row.Id, row.ServerId, row.ServerName, row.FromVersion, row.ToVersion, row.Route, row.Step, row.Detail, row.Reason,
            row.Actor, row.QueuedAt, row.StartedAt, row.EndedAt, row.EpisodeId);
    }
}

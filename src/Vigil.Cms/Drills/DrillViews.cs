using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Drills;

/// <summary>Drill history and reports as operators read them, newest first.</summary>
internal sealed class DrillViews(CmsDbContext db)
{
    public const string NotFoundRule = "drill.not-found";
    public const int DefaultLimit = 50;
    public const int MaxLimit = 1000;

    public async Task<DrillList> ListAsync(int? serverId, int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            throw new RefusedException("drills.invalid-limit", $"The limit is 1 to {MaxLimit}.");
        }

        var rows = await db.Drills.AsNoTracking().Where(d => serverId == null || d.ServerId == serverId)
            .OrderByDescending(d => d.Id).Take(limit ?? DefaultLimit).ToListAsync(cancellationToken).ConfigureAwait(false);
        var names = await StoredServerNames.AllAsync(db, cancellationToken).ConfigureAwait(false);
        return new DrillList(rows.Select(r => DrillRecords.ToView(r, names)).ToList());
    }

    public async Task<DrillView> GetAsync(long id, CancellationToken cancellationToken)
    {
        var row = await db.Drills.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(NotFoundRule, $"There is no drill with id {id}.", StatusCodes.Status404NotFound);
        return DrillRecords.ToView(row, await StoredServerNames.AllAsync(db, cancellationToken).ConfigureAwait(false));
    }
}

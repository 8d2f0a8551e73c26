using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Recording;

/// <summary>
/// Deletes own recordings older than their camera's retention (file and catalog entry). Failover
/// recordings are never aged out: they wait to be restored to their server.
/// </summary>
/// <remarks>
/// A camera's catalog is read a page at a time and each page's expired entries dropped in one statement: a pass that
/// finds a whole restored day already past retention (43 200 two-second segments of one camera) neither holds it in
/// memory nor commits, and so syncs, once per file. Files go before their entries: a pass stopped between the two
/// leaves entries of files already gone, which the next pass drops, never files that no entry names.
/// </remarks>
public sealed class RetentionEnforcer(CameraStore cameras, RecordingCatalog catalog)
{
    /// <summary>Entries read, and at most dropped, at a time.</summary>
    internal int PageSize { get; init; } = 1000;

    /// <summary>Returns how many recordings were deleted.</summary>
    public int Enforce(DateTimeOffset now)
    {
        var deleted = 0;
        foreach (var camera in cameras.List(AgentRoutes.OwnRecordings).Where(c => c.RetentionHours > 0))
        {
            var cutoff = now - TimeSpan.FromHours(camera.RetentionHours);

            // Entries that began before the cutoff, by id; one still running past it is kept, and the next page starts after it.
            var after = 0L;
            IReadOnlyList<CatalogEntry> page;
            do
            {
                page = catalog.Page(AgentRoutes.OwnRecordings, camera.Id, null, cutoff, after, PageSize);
                var expired = page.Where(e => e.End < cutoff).ToList();
                foreach (var entry in expired)
                {
                    File.Delete(entry.FullPath);
                }

                deleted += catalog.Remove(expired.Select(e => e.Id).ToList());
                after = page.Count > 0 ? page[^1].Id : after;
            }
            while (page.Count == PageSize);
        }

        return deleted;
    }
}

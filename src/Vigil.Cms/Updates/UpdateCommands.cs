using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Updates;
using Vigil.Domain.Versions;

namespace Vigil.Cms.Updates;

/// <summary>
/// Queues agent updates: checks every server against the version rule and the package, then writes one update per server
/// with its event in one transaction (all or none: a batch with one refused server queues nothing and lists every refusal).
/// The <see cref="UpdateRunner"/> starts them in turn. No agent is called here.
/// </summary>
internal sealed class UpdateCommands(CmsDbContext db, UpdatePackageStore packages, OnlineFeed feed, UpdateRunner runner, TimeProvider time)
{
    public static class Rules
    {
        public const string NoServers = "update.no-servers";
        public const string PackageOrVersion = "update.package-or-version";
        public const string ServerNotFound = "update.server-not-found";
        public const string AlreadyUpdating = "update.already-updating";
        public const string TooOldForPackage = "update.too-old-for-package";
        public const string NotInFeed = "update.not-in-feed";
    }

    public async Task<ServerUpdateList> StartAsync(StartUpdateRequest request, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Servers is not { Count: > 0 })
        {
            throw new RefusedException(Rules.NoServers, "Name at least one server to update.");
        }

        if ((request.PackageId is null) == string.IsNullOrWhiteSpace(request.Version))
        {
            throw new RefusedException(Rules.PackageOrVersion, "Give either an uploaded package (packageId) or a version of the online feed (version), not both.");
        }

        var (packageId, version, oldestFrom) = await TargetAsync(request, cancellationToken).ConfigureAwait(false);
        var ids = request.Servers.Distinct().ToList();
        var rows = await db.Servers.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
        var busy = await db.ServerUpdates.AsNoTracking().Where(u => u.IsOpen && ids.Contains(u.ServerId)).Select(u => u.ServerId)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var refusals = new List<Refusal>();
        foreach (var id in ids.Where(id => rows.All(r => r.Id != id)))
        {
            refusals.Add(new Refusal(Rules.ServerNotFound, $"There is no server with id {id}."));
        }

        foreach (var row in rows)
        {
            var from = Version.TryParse(row.AgentVersion, out var parsed) ? parsed : new Version(0, 0, 0);
            if (busy.Contains(row.Id))
            {
                refusals.Add(new Refusal(Rules.AlreadyUpdating, $"'{row.Name}' is already being updated; wait for that update to end."));
            }
            else if (VersionCompatibility.UpdateRefusal(from, version, VigilVersion.Current) is { } refusal)
            {
                refusals.Add(refusal with { Message = $"'{row.Name}': {refusal.Message}" });
            }
            else if (from < oldestFrom)
            {
                refusals.Add(new Refusal(Rules.TooOldForPackage,
                    $"'{row.Name}' runs {VersionCompatibility.Format(from)}; package {VersionCompatibility.Format(version)} updates {VersionCompatibility.Format(oldestFrom)} or later only. Update it to an intermediate version first."));
            }
        }

        if (refusals.Count > 0)
        {
            throw RefusedException.WithAll(refusals, StatusCodes.Status409Conflict);
        }

        var now = time.GetUtcNow();
        var added = rows.OrderBy(r => ids.IndexOf(r.Id)).Select(row => new ServerUpdateRow
        {
            ServerId = row.Id, ServerName = row.Name, PackageId = packageId, FromVersion = row.AgentVersion, ToVersion = VersionCompatibility.Format(version),
            Step = UpdateStep.Queued.Code(), Detail = packageId is null ? "queued; the package comes from the online feed" : "queued", Actor = actor,
            QueuedAt = now, IsOpen = true,
        }).ToList();
        db.ServerUpdates.AddRange(added);
        foreach (var update in added)
        {
            db.Events.Add(UpdateEvents.Queued(update, now));
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        runner.Wake();
        return new ServerUpdateList(added.Select(UpdateViews.ToView).ToList());
    }

    /// <summary>The package, its version and the oldest version it updates: an uploaded one, or the feed's (fetched later by the runner).</summary>
    private async Task<(long? PackageId, Version Version, Version OldestFrom)> TargetAsync(StartUpdateRequest request, CancellationToken cancellationToken)
    {
        if (request.PackageId is { } id)
        {
            var (row, _) = await packages.FindAsync(id, cancellationToken).ConfigureAwait(false);
            return (row.Id, Version.Parse(row.Version), Version.Parse(row.OldestFrom));
        }

        var wanted = request.Version!.Trim();
        var entry = await feed.FindAsync(wanted, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(Rules.NotInFeed, $"The online update feed offers no version {wanted}; see GET {CmsRoutes.AvailableAgentUpdates}.", StatusCodes.Status404NotFound);
        var held = await packages.FindVersionAsync(entry.Version, cancellationToken).ConfigureAwait(false);
        return (held?.Id, Version.Parse(entry.Version), Version.Parse(entry.OldestFrom));
    }
}

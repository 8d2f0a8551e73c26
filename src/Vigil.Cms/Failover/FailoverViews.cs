using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>Failovers, restore progress and the event log as operators read them.</summary>
internal sealed class FailoverViews(CmsDbContext db, RestoreBoard board, TimeProvider time)
{
    public const int DefaultEventLimit = 100;
    public const int MaxEventLimit = 1000;

    public async Task<FailoverList> OpenAsync(int? serverId, CancellationToken cancellationToken)
    {
        var rows = await db.Episodes.AsNoTracking()
            .Where(e => e.IsOpen && (serverId == null || e.RecordingServerId == serverId || e.StandbyId == serverId))
            .OrderBy(e => e.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var names = await StoredServerNames.AllAsync(db, cancellationToken).ConfigureAwait(false);
        return new FailoverList(rows.Select(r => ToView(r, names)).ToList());
    }

    /// <summary>The server's open failover, else its most recent one.</summary>
    public async Task<FailoverView> LatestAsync(int serverId, CancellationToken cancellationToken)
    {
        var row = await db.Episodes.AsNoTracking().Where(e => e.RecordingServerId == serverId)
            .OrderByDescending(e => e.IsOpen).ThenByDescending(e => e.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(FailoverCommands.NotInFailoverRule, $"Server {serverId} has never been failed over.", StatusCodes.Status404NotFound);
        return ToView(row, await StoredServerNames.AllAsync(db, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// One page of the event log, newest first: at most the query's limit of events older than its <c>before</c>
    /// (an event id), filtered in the database, so a page is full whatever the filter and however long the log.
    /// </summary>
    public async Task<EventList> EventsAsync(EventQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > MaxEventLimit)
        {
            throw new RefusedException("events.invalid-limit", $"The limit is 1 to {MaxEventLimit}.");
        }

        if (query.Before is < 1)
        {
            throw new RefusedException("events.invalid-before", "before is the id of an event (1 or more), as a page's olderBefore gives it.");
        }

        if (query.Kind is { } kind && !EventLog.Kinds.Contains(kind))
        {
            throw new RefusedException("events.invalid-kind", $"The kind is one of {string.Join(", ", EventLog.Kinds)}.");
        }

        var limit = query.Limit ?? DefaultEventLimit;
        var rows = await db.Events.AsNoTracking()
            .Where(e => (query.Server == null || e.ServerId == query.Server) && (query.Kind == null || e.Kind == query.Kind)
                && (query.Before == null || e.Id < query.Before))
            .OrderByDescending(e => e.Id).Take(limit + 1).ToListAsync(cancellationToken).ConfigureAwait(false);
        var page = rows.Take(limit).Select(e => new EventView(e.Id, e.At, e.ServerId, e.ServerName, e.Kind, e.From, e.To, e.Reason, e.Actor)).ToList();
        return new EventList(page, rows.Count > limit ? page[^1].Id : null);
    }

    private FailoverView ToView(EpisodeRow row, Dictionary<int, string> names)
    {
        var episode = EpisodeRecords.ToDomain(row);
        var restore = episode.Restore;
        var elapsed = row.RestoreStartedAt is { } started ? ((row.EndedAt ?? time.GetUtcNow()) - started).TotalSeconds : 0;
        var rate = elapsed > 0 ? restore.BytesCopied / elapsed : 0;
        double? left = rate > 0 ? (restore.BytesTotal - restore.BytesCopied) / rate : null;
        return new FailoverView(
            row.Id,
            row.RecordingServerId,
            names.GetValueOrDefault(row.RecordingServerId) ?? row.RecordingServerName,
            row.StandbyId,
            row.StandbyId is { } standby ? names.GetValueOrDefault(standby) : null,
            FailoverLedger.PhaseName(episode.Phase),
            episode.Origin.ToString().ToLowerInvariant(),
            row.Epoch,
            episode.FootageKey,
            EpisodeRecords.Render(episode.Note, names),
            row.StartedAt,
            row.PhaseSince,
            new RestoreView(restore.BytesCopied, restore.BytesTotal, restore.FilesCopied, restore.FilesTotal, Math.Round(restore.Fraction * 100, 1),
                Math.Round(rate), left is null ? null : Math.Round(left.Value, 1), row.RestoreStartedAt,
                episode.Phase == FailoverPhase.Restoring ? board.Of(row.Id) : []));
    }
}

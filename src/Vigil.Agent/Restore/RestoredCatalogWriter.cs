using Vigil.Agent.Storage;

namespace Vigil.Agent.Restore;

/// <summary>
/// Catalogues restored files in group commits. Each kept file needs its catalog entry and its audit entry, and each commit
/// of SQLite's log is an fsync; several files are restored at once, so the files kept while one commit runs queue, and the
/// first of them to get the turn commits all that queued in one transaction. A restore of many small files queued behind
/// these commits when each file made two, one file after another under one lock: 2.4 ms of every file's 4 ms of wall time
/// (3 000 files of 0.5 MiB).
/// </summary>
internal sealed class RestoredCatalogWriter(AgentDatabase database, AuditLog audit)
{
    private readonly Lock _turn = new();
    private readonly Lock _queueLock = new();
    private List<Pending> _queue = [];

    /// <summary>Catalogues <paramref name="entry"/> and audits it as received from <paramref name="caller"/>; returns the entry as stored.</summary>
    public CatalogEntry Add(CatalogEntry entry, string caller, string detail)
    {
        var pending = new Pending(entry, caller, detail);
        lock (_queueLock)
        {
            _queue.Add(pending);
        }

        lock (_turn)
        {
            // A commit that ran while this file waited for its turn may have taken it already, and stored its entry or its failure.
            if (pending is { Stored: null, Failure: null })
            {
                CommitQueued();
            }

            // Every file of a batch that failed throws its own exception: one exception object is not thrown on several threads.
            return pending.Failure is { } failure
                ? throw new InvalidOperationException($"The catalog entry of {entry.RelativePath} was not written: {failure.Message}", failure)
                : pending.Stored!;
        }
    }

    private void CommitQueued()
    {
        List<Pending> batch;
        lock (_queueLock)
        {
            (batch, _queue) = (_queue, []);
        }

        try
        {
            using var connection = database.Open();
            connection.InTransaction(() =>
            {
                foreach (var pending in batch)
                {
                    pending.Stored = RecordingCatalog.Add(connection, pending.Entry);
                    audit.Record(connection, pending.Caller, "restore.receive", pending.Detail);
                }
            });
        }
        catch (Exception e)
        {
            // The transaction rolled back: none of the batch is catalogued, and each file's copy fails with this cause.
            foreach (var pending in batch)
            {
                (pending.Stored, pending.Failure) = (null, e);
            }
        }
    }

    private sealed class Pending(CatalogEntry entry, string caller, string detail)
    {
        public CatalogEntry Entry { get; } = entry;

        public string Caller { get; } = caller;

        public string Detail { get; } = detail;

        public CatalogEntry? Stored { get; set; }

        public Exception? Failure { get; set; }
    }
}

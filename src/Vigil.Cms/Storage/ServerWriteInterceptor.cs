using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Vigil.Cms.Inventory;

namespace Vigil.Cms.Storage;

/// <summary>
/// Tells the <see cref="ServerDirectory"/> which server rows a commit changed: when a save that touched server rows ends
/// outside a transaction, or when the transaction it was part of commits. Telling it at the save alone would let the
/// monitor read, and keep, the rows as they were before the commit. The rows are noted at the save and their ids taken at
/// the commit, when an added row has its id; a row without one (a save that failed) makes the directory read every row.
/// Contexts are pooled: a transaction disposed without a commit or a rollback leaves its rows on the context, and the
/// context's next commit then names them too, which costs the directory a few rows read again and never a missed write.
/// </summary>
internal sealed class ServerWriteInterceptor(ServerDirectory directory) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, NotedWrites> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        NoteServerWrites(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(
        DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        NoteServerWrites(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        SaveEnded(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        SaveEnded(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => SaveEnded(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        SaveEnded(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => TransactionEnded(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionEnded(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void NoteServerWrites(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        foreach (var entry in context.ChangeTracker.Entries<ServerRow>())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            {
                var noted = _pending.GetValue(context, _ => new NotedWrites());
                noted.Rows.Add(entry.Entity);
                noted.Saving = true;
            }
        }
    }

    /// <summary>
    /// A save's own transaction (EF opens one for a save of several statements) commits before the save has given the added
    /// rows their ids: the save's end tells the directory then, outside any transaction.
    /// </summary>
    private void TransactionEnded(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var noted) && !noted.Saving)
        {
            Committed(context);
        }
    }

    /// <summary>A failed save is treated as a possible write too: re-reading costs one query, missing a write costs a stale monitor.</summary>
    private void SaveEnded(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var noted))
        {
            return;
        }

        noted.Saving = false;
        if (context.Database.CurrentTransaction is null)
        {
            Committed(context);
        }
    }

    private void Committed(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var noted))
        {
            return;
        }

        _pending.Remove(context);
        if (noted.Rows.Any(r => r.Id <= 0))
        {
            directory.Changed();
        }
        else
        {
            directory.Changed(noted.Rows.Select(r => r.Id));
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }

    private sealed class NotedWrites
    {
        public HashSet<ServerRow> Rows { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary>Between a save's start and its end.</summary>
        public bool Saving { get; set; }
    }
}

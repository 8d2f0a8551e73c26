using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Metrics;
using Vigil.Cms.Storage;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>
/// The servers table as the monitor and the engine read it every round. After a committed write
/// (<see cref="ServerWriteInterceptor"/> says which rows) only those rows are read again; the whole table is read once
/// <see cref="MaxAge"/> has passed, which bounds what a write the interceptor cannot see (another process, raw SQL)
/// leaves unseen. At 10 000 servers every row is written every few minutes (the inventory copy's freshness), so some
/// row changes every second: reading the whole table, cameras and spaces included, each time was a large part of the
/// CMS's work. The rows handed out are shared: callers read them and never change them.
/// </summary>
internal sealed class ServerDirectory(IServiceScopeFactory scopes, CmsMetrics metrics, TimeProvider time) : IDisposable
{
    /// <summary>How stale the copy may be at most: bounds what a write the interceptor cannot see (another process, raw SQL) leaves unseen.</summary>
    public static TimeSpan MaxAge { get; } = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _refresh = new(1, 1);

    /// <summary>Each row's domain form, made once per row object: a row not written since keeps its object and its form.</summary>
    private readonly ConditionalWeakTable<ServerRow, ManagedServer> _managed = [];

    private long _version;
    private HashSet<int> _dirty = [];
    private bool _dirtyAll;
    private Snapshot? _copy;

    /// <summary>A write to the servers table was committed: <paramref name="ids"/> are read again at the next read; null means any row may have changed.</summary>
    public void Changed(IReadOnlyCollection<int>? ids = null)
    {
        lock (_gate)
        {
            if (ids is null)
            {
                _dirtyAll = true;
            }
            else
            {
                _dirty.UnionWith(ids);
            }

            _version++;
        }
    }

    public async Task<IReadOnlyList<ServerRow>> ReadAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Rows;

    /// <summary>The same servers in their domain form, made again only for the rows that were read again.</summary>
    public async Task<IReadOnlyList<ManagedServer>> ReadManagedAsync(CancellationToken cancellationToken)
    {
        var copy = await CurrentAsync(cancellationToken).ConfigureAwait(false);
        return copy.Managed ??= copy.Rows.Select(r => _managed.GetValue(r, AgentInventory.ToDomain)).ToList();
    }

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        // One refresh at a time: each takes the rows written since the last, and two at once would each miss the other's.
        await _refresh.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return Fresh() ?? await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refresh.Release();
        }
    }

    private Snapshot? Fresh()
    {
        lock (_gate)
        {
            return _copy is { } copy && copy.Version == _version && time.GetElapsedTime(copy.ReadAt) < MaxAge ? copy : null;
        }
    }

    private async Task<Snapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        // What was written up to now is taken before reading: a commit during the read marks its rows for the next one.
        long version;
        HashSet<int> dirty;
        bool whole;
        Snapshot? previous;
        lock (_gate)
        {
            (version, dirty, previous) = (_version, _dirty, _copy);
            whole = _dirtyAll || previous is null || time.GetElapsedTime(previous.ReadAt) >= MaxAge;
            _dirty = [];
            _dirtyAll = false;
        }

        var began = time.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            IReadOnlyList<ServerRow> rows;
            if (whole)
            {
                rows = await db.Servers.AsNoTracking().OrderBy(s => s.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
                metrics.DatabaseWork("read_servers", time.GetElapsedTime(began));
            }
            else
            {
                var changed = dirty.Count == 0
                    ? []
                    : await db.Servers.AsNoTracking().Where(s => dirty.Contains(s.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
                rows = Merge(previous!.Rows, dirty, changed);
                metrics.DatabaseWork("read_changed_servers", time.GetElapsedTime(began));
            }

            var copy = new Snapshot(version, whole ? began : previous!.ReadAt, rows);
            lock (_gate)
            {
                _copy = copy;
            }

            return copy;
        }
        catch
        {
            // Not read after all: the rows stay marked for the next read.
            lock (_gate)
            {
                _dirty.UnionWith(dirty);
                _dirtyAll |= whole;
            }

            throw;
        }
    }

    public void Dispose() => _refresh.Dispose();

    /// <summary>The previous rows with the written ones replaced, added or (read back as absent) removed, in id order.</summary>
    private static List<ServerRow> Merge(IReadOnlyList<ServerRow> previous, HashSet<int> written, List<ServerRow> readBack)
    {
        var merged = previous.Where(r => !written.Contains(r.Id)).ToList();
        merged.AddRange(readBack);
        merged.Sort((a, b) => a.Id.CompareTo(b.Id));
        return merged;
    }

    /// <param name="ReadAt">When the whole table was last read: the copy is read whole again <see cref="MaxAge"/> after it.</param>
    private sealed record Snapshot(long Version, long ReadAt, IReadOnlyList<ServerRow> Rows)
    {
        public IReadOnlyList<ManagedServer>? Managed { get; set; }
    }
}

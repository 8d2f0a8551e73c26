using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Metrics;
using Vigil.Cms.Storage;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>
/// The servers table as the monitor reads it every round. After a committed write (<see cref="ServerWriteInterceptor"/>
/// says which rows it touched) only those rows are read again and put in place of their old copies; the whole table is
/// read when a write could not say which rows, when more than <see cref="MostRowsReadAlone"/> changed, and, whatever was
/// written, once <see cref="MaxAge"/> has passed. At 10 000 servers, reading every row each second was a large part of the
/// CMS's work while nothing had changed; and in a mass failure every standby's inventory changes as it takes over, and
/// reading all 11 000 rows again after each one was most of the rest. The rows handed out are shared: callers read them and
/// never change them. So is their domain form, which the engine and the protection watch read every round: made once per
/// copy when first asked for, and for the rows a commit changed only, not by each reader every round.
/// </summary>
internal sealed class ServerDirectory(IServiceScopeFactory scopes, CmsMetrics metrics, TimeProvider time) : IDisposable
{
    /// <summary>How stale the copy may be at most: bounds what a write the interceptor cannot see (another process, raw SQL) leaves unseen.</summary>
    public static TimeSpan MaxAge { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Beyond this many changed rows, one read of the whole table costs less than looking each one up.</summary>
    public const int MostRowsReadAlone = 256;

    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _reading = new(1, 1);
    private HashSet<int> _changed = [];
    private bool _unknownChange;
    private long _version;
    private Snapshot? _copy;

    /// <summary>A write to these rows of the servers table was committed: the next read reads them again.</summary>
    public void Changed(IEnumerable<int> ids)
    {
        lock (_gate)
        {
            _changed.UnionWith(ids);
            _version++;
        }
    }

    /// <summary>A write to the servers table was committed, of rows nobody could name: the next read reads the whole table.</summary>
    public void Changed()
    {
        lock (_gate)
        {
            _unknownChange = true;
            _version++;
        }
    }

    public async Task<IReadOnlyList<ServerRow>> ReadAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Rows;

    /// <summary>The same servers in their domain form.</summary>
    public async Task<IReadOnlyList<ManagedServer>> ReadDomainAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Domain;

    public void Dispose() => _reading.Dispose();

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _copy) is { } current && IsCurrent(current))
        {
            return current;
        }

        // One reader brings the copy up to date; the others wait for it and take its result, so two merges never start from
        // the same old copy and lose each other's rows.
        await _reading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _reading.Release();
        }
    }

    private bool IsCurrent(Snapshot copy) => copy.Version == Interlocked.Read(ref _version) && time.GetElapsedTime(copy.ReadAt) < MaxAge;

    private async Task<Snapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        var copy = _copy;
        long version;
        HashSet<int> changed;
        bool whole;
        lock (_gate)
        {
            if (copy is not null && IsCurrent(copy))
            {
                return copy;
            }

            // The version and the rows are taken together, before reading: a commit during the read adds its rows to the next read.
            version = _version;
            changed = _changed;
            whole = copy is null || _unknownChange || changed.Count > MostRowsReadAlone || time.GetElapsedTime(copy.ReadAt) >= MaxAge;
            _changed = [];
            _unknownChange = false;
        }

        var began = time.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            Snapshot snapshot;
            if (whole)
            {
                var rows = await db.Servers.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
                metrics.DatabaseWork("read_servers", time.GetElapsedTime(began));
                snapshot = new Snapshot(version, began, rows);
            }
            else
            {
                var ids = changed.ToArray();
                var rows = await db.Servers.AsNoTracking().Where(s => ids.Contains(s.Id)).ToListAsync(cancellationToken).ConfigureAwait(false);
                metrics.DatabaseWork("read_changed_servers", time.GetElapsedTime(began));
                snapshot = copy!.With(version, changed, rows);
            }

            Volatile.Write(ref _copy, snapshot);
            return snapshot;
        }
        catch
        {
            // The rows taken for this read were not read: the next read reads the whole table rather than forget them.
            Changed();
            throw;
        }
    }

    private sealed class Snapshot
    {
        private readonly Lazy<IReadOnlyList<ManagedServer>> _domain;

        /// <summary>For each row, its index in <see cref="_basis"/> when its domain form is to be taken from there, or -1.</summary>
        private readonly int[] _kept;

        /// <summary>An older copy whose domain form was made, until this one's is.</summary>
        private Snapshot? _basis;

        /// <summary>A copy of the whole table, read at <paramref name="readAt"/>.</summary>
        public Snapshot(long version, long readAt, IReadOnlyList<ServerRow> rows)
            : this(version, readAt, rows, basis: null, kept: [])
        {
        }

        private Snapshot(long version, long readAt, IReadOnlyList<ServerRow> rows, Snapshot? basis, int[] kept)
        {
            Version = version;
            ReadAt = readAt;
            Rows = rows;
            _basis = basis;
            _kept = kept;

            // Made when first asked for: a row whose stored spaces or cameras cannot be parsed fails the readers of the domain
            // form, never the probe round, which reads the rows alone.
            _domain = new(MakeDomain);
        }

        public long Version { get; }

        /// <summary>When the whole table was last read: rows read alone since then do not make the rest any younger.</summary>
        public long ReadAt { get; }

        public IReadOnlyList<ServerRow> Rows { get; }

        public IReadOnlyList<ManagedServer> Domain => _domain.Value;

        /// <summary>
        /// This copy with the changed rows as they were read now: each in its old place, the new ones at the end in the order
        /// they were added, and the ones no longer there (deleted) left out. Every other row is kept, and so is its domain form
        /// once made, whether by this copy or by the older one this copy was made from.
        /// </summary>
        public Snapshot With(long version, HashSet<int> changed, List<ServerRow> read)
        {
            var fresh = read.ToDictionary(r => r.Id);
            var rows = new List<ServerRow>(Rows.Count + fresh.Count);
            var kept = new List<int>(Rows.Count + fresh.Count);
            for (var i = 0; i < Rows.Count; i++)
            {
                var row = Rows[i];
                if (!changed.Contains(row.Id))
                {
                    rows.Add(row);
                    kept.Add(i);
                }
                else if (fresh.Remove(row.Id, out var now))
                {
                    rows.Add(now);
                    kept.Add(-1);
                }
            }

            foreach (var added in fresh.Values.OrderBy(r => r.Id))
            {
                rows.Add(added);
                kept.Add(-1);
            }

            // A copy refers to one older copy at most, one whose form was made: several commits between two reads of the domain
            // form (a mass failure) must not make every row's form again, nor leave a chain of old copies held.
            if (_domain.IsValueCreated)
            {
                return new Snapshot(version, ReadAt, rows, this, [.. kept]);
            }

            if (Volatile.Read(ref _basis) is { } older)
            {
                return new Snapshot(version, ReadAt, rows, older, [.. kept.Select(k => k >= 0 ? _kept[k] : -1)]);
            }

            return new Snapshot(version, ReadAt, rows, basis: null, [.. kept]);
        }

        private List<ManagedServer> MakeDomain()
        {
            var basis = Volatile.Read(ref _basis);
            var domain = new List<ManagedServer>(Rows.Count);
            for (var i = 0; i < Rows.Count; i++)
            {
                domain.Add(basis is not null && _kept[i] >= 0 ? basis.Domain[_kept[i]] : AgentInventory.ToDomain(Rows[i]));
            }

            Volatile.Write(ref _basis, null);
            return domain;
        }
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Metrics;
using Vigil.Cms.Storage;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>
/// The servers table as the monitor reads it every round, read from the database again only after a write to it
/// was committed (<see cref="ServerWriteInterceptor"/> says so) or, whatever was written, once <see cref="MaxAge"/>
/// has passed. At 10 000 servers, reading every row (cameras and spaces included) each second was a large part of the
/// CMS's work while nothing had changed. The rows handed out are shared: callers read them and never change them. So is
/// their domain form, made once per read for the readers that run every round (the engine, the protection watch) instead of
/// by each of them every round: it parses every row's spaces and cameras.
/// </summary>
internal sealed class ServerDirectory(IServiceScopeFactory scopes, CmsMetrics metrics, TimeProvider time)
{
    /// <summary>How stale the copy may be at most: bounds what a write the interceptor cannot see (another process, raw SQL) leaves unseen.</summary>
    public static TimeSpan MaxAge { get; } = TimeSpan.FromSeconds(10);

    private long _version;
    private Snapshot? _copy;

    /// <summary>A write to the servers table was committed: the next read goes to the database.</summary>
    public void Changed() => Interlocked.Increment(ref _version);

    public async Task<IReadOnlyList<ServerRow>> ReadAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Rows;

    /// <summary>The same servers in their domain form.</summary>
    public async Task<IReadOnlyList<ManagedServer>> ReadDomainAsync(CancellationToken cancellationToken) =>
        (await CurrentAsync(cancellationToken).ConfigureAwait(false)).Domain.Value;

    private async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        // The version is taken before reading, so a commit during the read makes the next call read again.
        var version = Interlocked.Read(ref _version);
        if (Volatile.Read(ref _copy) is { } copy && copy.Version == version && time.GetElapsedTime(copy.ReadAt) < MaxAge)
        {
            return copy;
        }

        var began = time.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var rows = await db.Servers.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);
        metrics.DatabaseWork("read_servers", time.GetElapsedTime(began));
        var snapshot = new Snapshot(version, began, rows);
        Volatile.Write(ref _copy, snapshot);
        return snapshot;
    }

    private sealed class Snapshot(long version, long readAt, IReadOnlyList<ServerRow> rows)
    {
        public long Version { get; } = version;

        public long ReadAt { get; } = readAt;

        public IReadOnlyList<ServerRow> Rows { get; } = rows;

        public Lazy<IReadOnlyList<ManagedServer>> Domain { get; } = new(() => rows.Select(AgentInventory.ToDomain).ToList());
    }
}

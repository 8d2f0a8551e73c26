using Npgsql;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Leadership;

/// <summary>
/// The lease as one row of <c>cms_lease</c>, changed by single statements whose conditions the database checks under
/// its row lock: two hosts that find the lease lapsed at the same moment cannot both take it. Expiry is judged by the
/// database's clock alone, so hosts whose clocks disagree still agree on who leads.
/// </summary>
internal sealed class PostgresLeaseStore : ILeaseStore
{
    // statement_timestamp() is read once per statement, before any wait for the row lock: an expiry computed from it
    // is never later than the holder's own deadline, which counts from when it sent the statement (see LeaseTerms).
    private const string Report = """
        INSERT INTO cms_hosts (host_id, incarnation, name, address, peer, started_at, seen_at)
        VALUES (@host, @incarnation, @name, @address, host(inet_client_addr()), statement_timestamp(), statement_timestamp())
        ON CONFLICT (host_id) DO UPDATE SET
          started_at = CASE WHEN cms_hosts.incarnation = @incarnation THEN cms_hosts.started_at ELSE statement_timestamp() END,
          incarnation = @incarnation, name = @name, address = @address, peer = EXCLUDED.peer, seen_at = statement_timestamp()
        """;

    private const string TakeOrRenew = """
        WITH previous AS (SELECT holder, name, generation FROM cms_lease WHERE id = 1)
        INSERT INTO cms_lease AS l (id, holder, host_id, name, address, peer, fingerprint, generation, term, acquired_at, expires_at)
        VALUES (1, @incarnation, @host, @name, @address, host(inet_client_addr()), @fingerprint, 1,
                (extract(epoch FROM statement_timestamp()) * 1000000)::bigint, statement_timestamp(), statement_timestamp() + @ttl)
        ON CONFLICT (id) DO UPDATE SET
          generation = CASE WHEN l.holder = @incarnation THEN l.generation ELSE l.generation + 1 END,
          term = CASE WHEN l.holder = @incarnation THEN l.term ELSE GREATEST(l.term + 1, EXCLUDED.term) END,
          acquired_at = CASE WHEN l.holder = @incarnation THEN l.acquired_at ELSE statement_timestamp() END,
          holder = @incarnation, host_id = @host, name = @name, address = @address, peer = EXCLUDED.peer,
          fingerprint = @fingerprint, expires_at = statement_timestamp() + @ttl
        WHERE (l.holder = @incarnation AND l.expires_at > statement_timestamp())
           OR l.expires_at <= statement_timestamp()
           OR (l.host_id = @host AND l.holder <> @incarnation)
        RETURNING l.generation, l.acquired_at, (SELECT holder FROM previous), (SELECT name FROM previous), l.term
        """;

    private const string Release = """
        UPDATE cms_lease SET expires_at = statement_timestamp() WHERE id = 1 AND holder = @incarnation AND generation = @generation
        """;

    private const string ReadLease = """
        SELECT host_id, name, address, generation, acquired_at, expires_at, expires_at > statement_timestamp(), term, peer, fingerprint
        FROM cms_lease WHERE id = 1
        """;

    private const string ReadHosts = "SELECT host_id, name, address, started_at, seen_at, peer FROM cms_hosts ORDER BY name, host_id";

    private readonly string connectionString;
    private readonly TimeSpan ttl;

    public PostgresLeaseStore(string connectionString, LeaseTerms terms)
    {
        ttl = terms.Ttl;
        // A pool of its own (the application name differs), so a renewal never queues for a connection behind the CMS's
        // other work, and connect and statement timeouts of one lease each, since the renewal's calls are synchronous.
        var seconds = (int)Math.Ceiling(terms.Ttl.TotalSeconds);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = seconds, CommandTimeout = seconds };
        builder.ApplicationName = $"{builder.ApplicationName ?? "vigil"} lease";
        this.connectionString = builder.ConnectionString;
    }

    /// <remarks>
    /// Each statement commits by itself: the lease row's lock (taken by every host's try, held or not) is released when
    /// the statement ends in the database, never held while this process reads the answer. In one transaction it was
    /// held until the commit, so a standby starting on a busy machine, compiling its code as it read, could hold the row
    /// long enough to make the leader's renewal come back past its term.
    /// </remarks>
    public LeaseGrant? Hold(HostIdentity me, string address)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using (var report = new NpgsqlCommand(Report, connection))
        {
            AddIdentity(report, me, address);
            report.ExecuteNonQuery();
        }

        LeaseGrant? grant = null;
        using (var hold = new NpgsqlCommand(TakeOrRenew, connection))
        {
            AddIdentity(hold, me, address);
            hold.Parameters.AddWithValue("ttl", ttl);
            using var row = hold.ExecuteReader();
            if (row.Read())
            {
                var previousHolder = row.IsDBNull(2) ? null : row.GetString(2);
                var isNew = previousHolder != me.Incarnation;
                grant = new LeaseGrant(row.GetInt64(0), row.GetInt64(4), row.GetFieldValue<DateTimeOffset>(1), isNew, isNew && !row.IsDBNull(3) ? row.GetString(3) : null);
            }
        }

        return grant;
    }

    public async Task ReleaseAsync(HostIdentity me, long generation, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var release = new NpgsqlCommand(Release, connection);
        release.Parameters.AddWithValue("incarnation", me.Incarnation);
        release.Parameters.AddWithValue("generation", generation);
        await release.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<(CmsLeaderView? Leader, IReadOnlyList<CmsHostView> Hosts)> ReadAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        CmsLeaderView? leader = null;
        await using (var read = new NpgsqlCommand(ReadLease, connection))
        await using (var row = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await row.ReadAsync(cancellationToken).ConfigureAwait(false) && row.GetBoolean(6))
            {
                leader = new CmsLeaderView(row.GetString(0), row.GetString(1), HostAddress.Reachable(row.GetString(2), NullableText(row, 8)),
                    row.GetInt64(3), row.GetInt64(7), row.GetFieldValue<DateTimeOffset>(4), row.GetFieldValue<DateTimeOffset>(5), NullableText(row, 9));
            }
        }

        var hosts = new List<CmsHostView>();
        await using (var read = new NpgsqlCommand(ReadHosts, connection))
        await using (var row = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var hostId = row.GetString(0);
                hosts.Add(new CmsHostView(hostId, row.GetString(1), HostAddress.Reachable(row.GetString(2), NullableText(row, 5)),
                    row.GetFieldValue<DateTimeOffset>(3), row.GetFieldValue<DateTimeOffset>(4), leader?.HostId == hostId));
            }
        }

        return (leader, hosts);
    }

    private static void AddIdentity(NpgsqlCommand command, HostIdentity me, string address)
    {
        command.Parameters.AddWithValue("host", me.HostId);
        command.Parameters.AddWithValue("incarnation", me.Incarnation);
        command.Parameters.AddWithValue("name", me.Name);
        command.Parameters.AddWithValue("address", address);
        command.Parameters.AddWithValue("fingerprint", (object?)me.Fingerprint ?? DBNull.Value);
    }

    private static string? NullableText(NpgsqlDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);
}

namespace Vigil.Agent.Storage;

/// <summary>A protected server whose cameras this agent records, and where.</summary>
public sealed record Takeover(string Server, string ServerName, long Epoch, string Space, DateTimeOffset Since);

public sealed class TakeoverStore(AgentDatabase database, TimeProvider time)
{
    public IReadOnlyList<Takeover> List()
    {
        using var connection = database.Open();
        return connection.Query("SELECT server, server_name, epoch, space, since_ms FROM takeovers ORDER BY server",
            r => new Takeover(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))));
    }

    public Takeover? Find(string server) => List().FirstOrDefault(t => t.Server == server);

    public void Put(Takeover takeover)
    {
        ArgumentNullException.ThrowIfNull(takeover);
        using var connection = database.Open();
        connection.Execute(
            """
            INSERT INTO takeovers(server, server_name, epoch, space, since_ms) VALUES($server, $name, $epoch, $space, $since)
            ON CONFLICT(server) DO UPDATE SET server_name = excluded.server_name, epoch = excluded.epoch
            """,
            ("$server", takeover.Server), ("$name", takeover.ServerName), ("$epoch", takeover.Epoch), ("$space", takeover.Space),
            ("$since", takeover.Since.ToUnixTimeMilliseconds()));
    }

    /// <summary>
    /// Whether this agent ever accepted a takeover of <paramref name="server"/>: one that runs, or one released
    /// earlier (remembered, so releasing it again is answered as done rather than as unknown).
    /// </summary>
    public bool IsKnown(string server)
    {
        using var connection = database.Open();
        return connection.Query(
            "SELECT 1 FROM takeovers WHERE server = $server UNION ALL SELECT 1 FROM released_takeovers WHERE server = $server",
            r => r.GetInt64(0), ("$server", server)).Count > 0;
    }

    /// <summary>
    /// Remembers the key of a takeover refused under a current epoch (no space, over the license): the CMS counts
    /// this server as possibly holding its footage and will release the key here later, which is then done already.
    /// </summary>
    public void RememberRefused(string server, long epoch)
    {
        using var connection = database.Open();
        connection.Execute("INSERT OR IGNORE INTO released_takeovers(server, epoch, released_ms) VALUES($server, $epoch, $now)",
            ("$server", server), ("$epoch", epoch), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
    }

    /// <summary>How many fenced keys are kept: a caller inventing keys cannot grow the table without bound.</summary>
    public const int MaxFencedKeys = 10_000;

    /// <summary>
    /// A release of a key this agent never took over. Its takeover command may still be on the way (sent before a
    /// timeout, held in a socket while the agent was paused), so that key alone is fenced: a takeover of it under this
    /// epoch or an older one is refused. The agent's highest epoch stays as it is, so made-up keys cannot fence the
    /// CMS out, and a fenced key stays unknown to every other command.
    /// </summary>
    public void Fence(string server, long epoch)
    {
        using var connection = database.Open();
        connection.InTransaction(() =>
        {
            connection.Execute(
                """
                INSERT INTO fenced_keys(server, epoch, fenced_ms) VALUES($server, $epoch, $now)
                ON CONFLICT(server) DO UPDATE SET epoch = MAX(epoch, excluded.epoch), fenced_ms = excluded.fenced_ms
                """,
                ("$server", server), ("$epoch", epoch), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
            connection.Execute(
                "DELETE FROM fenced_keys WHERE server NOT IN (SELECT server FROM fenced_keys ORDER BY fenced_ms DESC LIMIT $keep)",
                ("$keep", MaxFencedKeys));
        });
    }

    /// <summary>The epoch up to which takeovers of <paramref name="server"/> are refused, if its key was fenced.</summary>
    public long? FencedEpoch(string server)
    {
        using var connection = database.Open();
        return connection.Query("SELECT epoch FROM fenced_keys WHERE server = $server", r => (long?)r.GetInt64(0), ("$server", server)).FirstOrDefault();
    }

    /// <summary>Ends a takeover; its key is remembered as released.</summary>
    public void Remove(string server)
    {
        using var connection = database.Open();
        connection.InTransaction(() =>
        {
            connection.Execute(
                """
                INSERT INTO released_takeovers(server, epoch, released_ms)
                SELECT server, epoch, $now FROM takeovers WHERE server = $server
                ON CONFLICT(server) DO UPDATE SET epoch = excluded.epoch, released_ms = excluded.released_ms
                """,
                ("$server", server), ("$now", time.GetUtcNow().ToUnixTimeMilliseconds()));
            connection.Execute("DELETE FROM takeovers WHERE server = $server", ("$server", server));
            connection.Execute("DELETE FROM cameras WHERE owner = $server", ("$server", server));
        });
    }
}

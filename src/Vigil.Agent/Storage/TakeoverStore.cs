namespace Vigil.Agent.Storage;

/// <summary>A protected server whose cameras this agent records, and where.</summary>
public sealed record Takeover(string Server, string ServerName, long Epoch, string Space, DateTimeOffset Since);

public sealed class TakeoverStore(AgentDatabase database)
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

    public void Remove(string server)
    {
        using var connection = database.Open();
        connection.InTransaction(() =>
        {
            connection.Execute("DELETE FROM takeovers WHERE server = $server", ("$server", server));
            connection.Execute("DELETE FROM cameras WHERE owner = $server", ("$server", server));
        });
    }
}

using Microsoft.Data.Sqlite;

namespace Vigil.Agent.Storage;

/// <summary>
/// The agent's own SQLite database in its data directory: identity, credentials, cameras, takeovers and
/// the recording catalog. Schema changes are numbered migrations applied at start, in order, once.
/// </summary>
public sealed class AgentDatabase
{
    public const string FileName = "agent.db";

    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE credentials(id INTEGER PRIMARY KEY AUTOINCREMENT, cms_name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_ms INTEGER NOT NULL);
        CREATE TABLE cameras(
            owner TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, stream_url TEXT NOT NULL,
            recording INTEGER NOT NULL, retention_hours INTEGER NOT NULL, PRIMARY KEY(owner, id));
        CREATE TABLE takeovers(
            server TEXT PRIMARY KEY, server_name TEXT NOT NULL, epoch INTEGER NOT NULL, space TEXT NOT NULL, since_ms INTEGER NOT NULL);
        CREATE TABLE recordings(
            id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL, camera TEXT NOT NULL, kind TEXT NOT NULL,
            start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, bytes INTEGER NOT NULL, sha256 TEXT NOT NULL,
            space TEXT NOT NULL, relative_path TEXT NOT NULL, UNIQUE(space, relative_path));
        CREATE INDEX recordings_by_camera ON recordings(owner, camera, start_ms);
        """,
    ];

    private readonly string _connectionString;

    public AgentDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, FileName),
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Migrate();
    }

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    private void Migrate()
    {
        using var connection = Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        for (var next = version; next < Migrations.Length; next++)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, Migrations[next], transaction);
            Execute(connection, $"PRAGMA user_version = {next + 1}", transaction);
            transaction.Commit();
        }
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

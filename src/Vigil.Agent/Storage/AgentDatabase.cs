using Microsoft.Data.Sqlite;
using Vigil.Hosting;

namespace Vigil.Agent.Storage;

/// <summary>
/// The agent's own SQLite database in its data directory: identity, credentials, cameras, takeovers and
/// the recording catalog, the audit trail. Schema changes are numbered migrations applied at start, in
/// order, once. The folder and the database files are kept private to the agent's user (<see cref="PrivateFiles"/>).
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
        """
        ALTER TABLE credentials ADD COLUMN cms_id TEXT;
        CREATE INDEX credentials_by_cms_id ON credentials(cms_id);
        CREATE TABLE released_takeovers(server TEXT PRIMARY KEY, epoch INTEGER NOT NULL, released_ms INTEGER NOT NULL);
        CREATE TABLE audit(
            id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER NOT NULL, who TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
        """,
        """
        CREATE TABLE fenced_keys(server TEXT PRIMARY KEY, epoch INTEGER NOT NULL, fenced_ms INTEGER NOT NULL);
        """,
        """
        CREATE INDEX recordings_by_sha256 ON recordings(sha256);
        """,
    ];

    private readonly string _connectionString;
    private readonly string _path;

    public AgentDatabase(string dataDirectory)
    {
        PrivateFiles.EnsureDirectory(dataDirectory);
        _path = Path.Combine(dataDirectory, FileName);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        Migrate();
        KeepPrivate();
    }

    /// <summary>The schema version this build migrates to: a new version checks it reached it before it confirms an update.</summary>
    public static int LatestSchemaVersion => Migrations.Length;

    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>The database and its write-ahead log and shared-memory files, which hold the same secrets.</summary>
    public void KeepPrivate()
    {
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            PrivateFiles.EnsureFile(_path + suffix);
        }
    }

    public int SchemaVersion()
    {
        using var connection = Open();
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Migrate()
    {
        using var connection = Open();
        // WAL is a property of the file, so setting it once here holds for every later connection. Synchronous stays at
        // SQLite's default (FULL) on every connection: a catalogued segment survives a power cut with its entry, and
        // NORMAL measured no faster restore (docs/benchmark-findings.md).
        Execute(connection, "PRAGMA journal_mode=WAL;");
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

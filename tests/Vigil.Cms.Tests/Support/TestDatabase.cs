using Npgsql;

namespace Vigil.Cms.Tests.Support;

/// <summary>
/// Where a CMS under test keeps its state: its own SQLite file, or its own fresh database on the real
/// PostgreSQL server that <c>./test</c> starts on loopback (its address in <see cref="ServerVariable"/>).
/// </summary>
public abstract class TestDatabase : IAsyncDisposable
{
    public const string ServerVariable = "VIGIL_TEST_POSTGRES";

    /// <summary>The <c>--database</c> argument, or null for SQLite.</summary>
    public abstract string? ConnectionString { get; }

    public abstract string Engine { get; }

    public static Task<TestDatabase> SqliteAsync() => Task.FromResult<TestDatabase>(new Sqlite());

    public static async Task<TestDatabase> PostgresAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrEmpty(server))
        {
            throw new InvalidOperationException(
                $"{ServerVariable} is not set: run the tests with ./test, which installs and starts PostgreSQL on loopback, or point {ServerVariable} at a PostgreSQL server on 127.0.0.1.");
        }

        var name = $"vigil_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new Postgres(server, name);
    }

    public abstract ValueTask DisposeAsync();

    private sealed class Sqlite : TestDatabase
    {
        public override string? ConnectionString => null;

        public override string Engine => "SQLite";

        public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class Postgres(string server, string name) : TestDatabase
    {
        public override string? ConnectionString => new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;

        public override string Engine => "PostgreSQL";

        public override async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}

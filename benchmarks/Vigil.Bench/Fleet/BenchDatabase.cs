using Npgsql;

namespace Vigil.Bench.Fleet;

/// <summary>
/// The database of the fleet scenarios' CMS: SQLite in its data directory by default, or, with
/// <c>VIGIL_BENCH_CMS_DATABASE=postgres</c>, a database of its own on the PostgreSQL server <c>./bench</c> starts on
/// 127.0.0.1 (<c>VIGIL_TEST_POSTGRES</c>), created for each CMS and dropped after it, so each N starts empty as on SQLite.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    public const string ChoiceVariable = "VIGIL_BENCH_CMS_DATABASE";
    private const string ServerVariable = "VIGIL_TEST_POSTGRES";

    private readonly string? _server;
    private readonly string? _name;

    private BenchDatabase(string? server, string? name)
    {
        _server = server;
        _name = name;
    }

    public static bool UsesPostgres =>
        string.Equals(Environment.GetEnvironmentVariable(ChoiceVariable), "postgres", StringComparison.OrdinalIgnoreCase);

    /// <summary>Added to the name of each figure measured on PostgreSQL, so its rows stand beside SQLite's.</summary>
    public static string Label => UsesPostgres ? " (PostgreSQL)" : string.Empty;

    /// <summary>What the CMS ran on, for the report's notes.</summary>
    public static string Described => UsesPostgres
        ? "PostgreSQL 15 (a database of its own on a server on 127.0.0.1 that ./bench starts with fsync off, so its commits do not wait for the disk)"
        : "SQLite";

    /// <summary>The arguments that give <c>vigil cms</c> this database.</summary>
    public IReadOnlyList<string> Arguments => _name is null ? [] : ["--database", new NpgsqlConnectionStringBuilder(_server) { Database = _name }.ConnectionString];

    public static async Task<BenchDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        if (!UsesPostgres)
        {
            return new BenchDatabase(null, null);
        }

        var server = Environment.GetEnvironmentVariable(ServerVariable)
            ?? throw new InvalidOperationException($"{ChoiceVariable}=postgres needs {ServerVariable}: ./bench starts PostgreSQL on loopback and sets it.");
        var name = $"vigil_bench_{Guid.NewGuid():N}";
        await ExecuteAsync(server, $"CREATE DATABASE {name}", cancellationToken);
        return new BenchDatabase(server, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_name is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(_server!, $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", CancellationToken.None);
        }
    }

    private static async Task ExecuteAsync(string server, string sql, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(server);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken);
            var command = new NpgsqlCommand(sql, connection);
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }
}

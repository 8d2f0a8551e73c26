using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Cms.Storage;

/// <summary>
/// Which engine the CMS stores its state in: an SQLite file in the data directory by default, or
/// PostgreSQL when a connection string is given. Migrations are applied at start; a database written
/// by a newer CMS is refused rather than misread.
/// </summary>
internal static class CmsDatabase
{
    public const string SqliteFileName = "cms.db";

    public static string Describe(string dataDirectory, string? postgres) =>
        postgres is null ? $"SQLite {Path.Combine(dataDirectory, SqliteFileName)}" : "PostgreSQL";

    public static void Configure(DbContextOptionsBuilder options, string dataDirectory, string? postgres)
    {
        if (postgres is null)
        {
            options.UseSqlite($"Data Source={Path.Combine(dataDirectory, SqliteFileName)}");
        }
        else
        {
            options.UseNpgsql(postgres);
        }

        // The migrations are written by hand, so there is no model snapshot to compare the model with.
        options.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
    }

    public static async Task MigrateAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var history = db.GetService<IHistoryRepository>();
        var applied = await history.ExistsAsync(cancellationToken).ConfigureAwait(false)
            ? (await history.GetAppliedMigrationsAsync(cancellationToken).ConfigureAwait(false)).Select(m => m.MigrationId)
            : [];
        var unknown = applied.Where(m => !known.Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"The database was written by a newer Vigil CMS (schema {string.Join(", ", unknown)}); run that version or a later one.");
        }

        if (db.Database.IsSqlite())
        {
            // Readers never wait for the writer, and a crash mid-write leaves the last commit intact.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
    }
}

using Microsoft.Data.Sqlite;
using Vigil.Agent.Storage;
using Vigil.Hosting;

namespace Vigil.Agent.Updates;

/// <summary>
/// The agent database copied before a switch and put back by a rollback: a newer version may migrate it, and
/// migrations only go forward, so the older version could not open what the newer one left.
/// </summary>
internal static class DatabaseBackup
{
    /// <summary>A consistent copy through SQLite's online backup, while the agent keeps writing.</summary>
    public static void Save(AgentDatabase database, string file)
    {
        File.Delete(file);
        using (var source = database.Open())
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString()))
        {
            target.Open();
            source.BackupDatabase(target);
        }

        PrivateFiles.EnsureFile(file);
    }

    /// <summary>Puts <paramref name="backup"/> in place of the database; no connection of this process may be open.</summary>
    public static void Restore(string dataDirectory, string backup)
    {
        SqliteConnection.ClearAllPools();
        var database = Path.Combine(dataDirectory, AgentDatabase.FileName);
        var partial = database + ".restoring";
        File.Copy(backup, partial, overwrite: true);
        PrivateFiles.EnsureFile(partial);
        foreach (var suffix in new[] { "-wal", "-shm", "-journal" })
        {
            File.Delete(database + suffix);
        }

        File.Move(partial, database, overwrite: true);
    }
}

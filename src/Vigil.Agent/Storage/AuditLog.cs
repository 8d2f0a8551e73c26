using Microsoft.Data.Sqlite;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Storage;

/// <summary>
/// The destructive calls the agent obeyed, who made them and from where, so an operator can tell what a
/// stolen credential or password was used for. Camera URLs in the detail are masked. Only the newest
/// <see cref="MaxEntries"/> are kept, so a caller cannot fill the disk through it.
/// </summary>
public sealed class AuditLog(AgentDatabase database, TimeProvider time)
{
    public const int MaxEntries = 10_000;

    public const int MaxListed = 1_000;

    public void Record(string who, string action, string detail)
    {
        using var connection = database.Open();
        connection.InTransaction(() => Record(connection, who, action, detail));
    }

    /// <summary>Records an entry on <paramref name="connection"/>, within the transaction it has open, beside the change it tells of.</summary>
    internal void Record(SqliteConnection connection, string who, string action, string detail)
    {
        connection.Execute("INSERT INTO audit(at_ms, who, action, detail) VALUES($at, $who, $action, $detail)",
            ("$at", time.GetUtcNow().ToUnixTimeMilliseconds()), ("$who", who), ("$action", action), ("$detail", StreamUrlMask.Mask(detail)));
        connection.Execute("DELETE FROM audit WHERE id <= (SELECT MAX(id) FROM audit) - $keep", ("$keep", MaxEntries));
    }

    /// <summary>The newest <paramref name="limit"/> entries, newest first.</summary>
    public IReadOnlyList<AuditEntry> Newest(int limit)
    {
        using var connection = database.Open();
        return connection.Query("SELECT at_ms, who, action, detail FROM audit ORDER BY id DESC LIMIT $limit",
            r => new AuditEntry(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), r.GetString(1), r.GetString(2), r.GetString(3)),
            ("$limit", limit));
    }
}

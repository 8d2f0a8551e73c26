using Microsoft.Data.Sqlite;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Storage;

/// <summary>A catalogued file and where it lies: <see cref="Space"/> plus <see cref="RelativePath"/>.</summary>
public sealed record CatalogEntry(
    long Id, string Owner, string Camera, RecordingKind Kind, DateTimeOffset Start, DateTimeOffset End, long Bytes, string Sha256,
    string Space, string RelativePath)
{
    public string FullPath => Path.Combine(Space, RelativePath);

    public Contracts.Agent.Recording ToContract() => new(Id, Owner, Camera, Kind, Start, End, Bytes, Sha256, Path.GetFileName(RelativePath));
}

/// <summary>The catalog of every segment and snapshot on this agent.</summary>
public sealed class RecordingCatalog(AgentDatabase database)
{
    private const string Columns = "id, owner, camera, kind, start_ms, end_ms, bytes, sha256, space, relative_path";

    /// <summary>Adds an entry unless the same file is catalogued already; returns the entry as stored.</summary>
    public CatalogEntry Add(CatalogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var connection = database.Open();
        return Add(connection, entry);
    }

    /// <summary>Adds an entry on <paramref name="connection"/>, within the transaction it has open, so several entries can share one commit.</summary>
    internal static CatalogEntry Add(SqliteConnection connection, CatalogEntry entry)
    {
        connection.Execute(
            """
            INSERT OR IGNORE INTO recordings(owner, camera, kind, start_ms, end_ms, bytes, sha256, space, relative_path)
            VALUES($owner, $camera, $kind, $start, $end, $bytes, $sha, $space, $path)
            """,
            ("$owner", entry.Owner), ("$camera", entry.Camera), ("$kind", entry.Kind.ToString()),
            ("$start", entry.Start.ToUnixTimeMilliseconds()), ("$end", entry.End.ToUnixTimeMilliseconds()),
            ("$bytes", entry.Bytes), ("$sha", entry.Sha256), ("$space", entry.Space), ("$path", entry.RelativePath));
        return connection.Query($"SELECT {Columns} FROM recordings WHERE space = $space AND relative_path = $path", Read,
            ("$space", entry.Space), ("$path", entry.RelativePath)).Single();
    }

    public bool Contains(string space, string relativePath)
    {
        using var connection = database.Open();
        return connection.Query("SELECT 1 FROM recordings WHERE space = $space AND relative_path = $path", r => true,
            ("$space", space), ("$path", relativePath)).Count > 0;
    }

    public CatalogEntry? Find(long id)
    {
        using var connection = database.Open();
        return connection.Query($"SELECT {Columns} FROM recordings WHERE id = $id", Read, ("$id", id)).FirstOrDefault();
    }

    /// <summary>The entry for the file at <paramref name="relativePath"/> in <paramref name="space"/>, if it is catalogued.</summary>
    public CatalogEntry? Find(string space, string relativePath)
    {
        using var connection = database.Open();
        return connection.Query($"SELECT {Columns} FROM recordings WHERE space = $space AND relative_path = $path", Read,
            ("$space", space), ("$path", relativePath)).FirstOrDefault();
    }

    /// <summary>
    /// Entries by owner and camera that overlap [from, to), in catalog order (by id), at most <paramref name="limit"/>
    /// of them after the entry <paramref name="after"/>: a listing of any size is read a page at a time.
    /// </summary>
    public IReadOnlyList<CatalogEntry> Page(string? owner, string? camera, DateTimeOffset? from, DateTimeOffset? to, long after, int limit)
    {
        using var connection = database.Open();
        return connection.Query(
            $"""
            SELECT {Columns} FROM recordings
            WHERE {Filter} AND id > $after
            ORDER BY id LIMIT $limit
            """,
            Read, [.. FilterParameters(owner, camera, from, to), ("$after", after), ("$limit", limit)]);
    }

    /// <summary>How many entries, of how many bytes, the same filter as <see cref="Page"/> matches, in all and by camera.</summary>
    public RecordingTotals Count(string? owner, string? camera, DateTimeOffset? from, DateTimeOffset? to)
    {
        using var connection = database.Open();
        var cameras = connection.Query($"SELECT camera, COUNT(*), COALESCE(SUM(bytes), 0) FROM recordings WHERE {Filter} GROUP BY camera ORDER BY camera",
            r => new CameraTotals(r.GetString(0), r.GetInt64(1), r.GetInt64(2)), FilterParameters(owner, camera, from, to));
        return new RecordingTotals(cameras.Sum(c => c.Files), cameras.Sum(c => c.Bytes), cameras);
    }

    /// <summary>
    /// Which of <paramref name="identities"/> <paramref name="owner"/> holds: an entry of the same camera, kind and
    /// checksum whose span overlaps the identity's, when it names one (<see cref="RecordingSpan.Holds"/>).
    /// </summary>
    public IReadOnlySet<RecordingIdentity> Held(string owner, IReadOnlyCollection<RecordingIdentity> identities)
    {
        ArgumentNullException.ThrowIfNull(identities);
        if (identities.Count == 0)
        {
            return new HashSet<RecordingIdentity>();
        }

        using var connection = database.Open();
        var checksums = CatalogSelection.ByChecksums(identities.Select(i => i.Sha256).ToList());
        var held = connection.Query(
            $"SELECT camera, kind, sha256, start_ms, end_ms FROM recordings WHERE {checksums.Clause}",
            r => (Identity: (Camera: r.GetString(0), Kind: Enum.Parse<RecordingKind>(r.GetString(1)), Sha256: r.GetString(2)),
                Start: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), End: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))),
            ("$owner", owner), (checksums.Parameter, checksums.Values)).ToLookup(e => e.Identity, e => (e.Start, e.End));
        return identities
            .Where(i => held[(i.CameraId, i.Kind, i.Sha256.ToLowerInvariant())].Any(e => RecordingSpan.Holds(e.Start, e.End, i.Start, i.End)))
            .ToHashSet();
    }

    private const string Filter = """
        ($owner IS NULL OR owner = $owner) AND ($camera IS NULL OR camera = $camera)
          AND ($from IS NULL OR end_ms > $from) AND ($to IS NULL OR start_ms < $to)
        """;

    private static (string, object?)[] FilterParameters(string? owner, string? camera, DateTimeOffset? from, DateTimeOffset? to) =>
        [("$owner", owner), ("$camera", camera), ("$from", from?.ToUnixTimeMilliseconds()), ("$to", to?.ToUnixTimeMilliseconds())];

    /// <summary>The end of the newest segment of a camera, if any.</summary>
    public DateTimeOffset? LastEnd(string owner, string camera)
    {
        using var connection = database.Open();
        return connection.Query("SELECT MAX(end_ms) FROM recordings WHERE owner = $owner AND camera = $camera AND kind = 'Video'",
            r => r.IsDBNull(0) ? (DateTimeOffset?)null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)),
            ("$owner", owner), ("$camera", camera)).Single();
    }

    /// <summary>Where the files of <paramref name="owner"/>'s entries that <paramref name="selection"/> picks lie.</summary>
    public IReadOnlyList<string> FilesOf(string owner, CatalogSelection selection)
    {
        using var connection = database.Open();
        return connection.Query($"SELECT space, relative_path FROM recordings WHERE {selection.Clause}", r => Path.Combine(r.GetString(0), r.GetString(1)),
            ("$owner", owner), (selection.Parameter, selection.Values));
    }

    /// <summary>Drops, in one statement, <paramref name="owner"/>'s entries that <paramref name="selection"/> picks; answers how many.</summary>
    public int Remove(string owner, CatalogSelection selection)
    {
        using var connection = database.Open();
        return connection.Execute($"DELETE FROM recordings WHERE {selection.Clause}", ("$owner", owner), (selection.Parameter, selection.Values));
    }

    /// <summary>Drops every entry of <paramref name="owner"/> in one statement; answers how many there were.</summary>
    public int RemoveAll(string owner)
    {
        using var connection = database.Open();
        return connection.Execute("DELETE FROM recordings WHERE owner = $owner", ("$owner", owner));
    }

    /// <summary>How many entries <paramref name="owner"/> has, counted in the database rather than read.</summary>
    public int CountOf(string owner)
    {
        using var connection = database.Open();
        return connection.Query("SELECT COUNT(*) FROM recordings WHERE owner = $owner", r => r.GetInt32(0), ("$owner", owner)).Single();
    }

    /// <summary>
    /// The catalogued files lying directly in <paramref name="relativeFolder"/> of <paramref name="space"/> (not in its
    /// subfolders), as relative paths: one folder's worth, so a pass over a key of any size holds one folder at a time.
    /// </summary>
    public IReadOnlySet<string> FilesIn(string space, string relativeFolder)
    {
        var prefix = relativeFolder + Path.DirectorySeparatorChar;

        // Every path under the folder sorts between "folder/" and "folder" followed by the next character after the separator.
        var end = relativeFolder + (char)(Path.DirectorySeparatorChar + 1);
        using var connection = database.Open();
        return connection.Query(
            """
            SELECT relative_path FROM recordings
            WHERE space = $space AND relative_path > $prefix AND relative_path < $end
              AND instr(substr(relative_path, length($prefix) + 1), $separator) = 0
            """,
            r => r.GetString(0), ("$space", space), ("$prefix", prefix), ("$end", end), ("$separator", Path.DirectorySeparatorChar.ToString()))
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Drops the entries with the listed ids in one statement; answers how many there were.</summary>
    public int Remove(IReadOnlyCollection<long> ids)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        using var connection = database.Open();
        return connection.Execute("DELETE FROM recordings WHERE id IN (SELECT value FROM json_each($ids))",
            ("$ids", System.Text.Json.JsonSerializer.Serialize(ids)));
    }

    /// <summary>The space holding recordings of <paramref name="owner"/>, if any.</summary>
    public string? SpaceOf(string owner)
    {
        using var connection = database.Open();
        return connection.Query("SELECT space FROM recordings WHERE owner = $owner LIMIT 1", r => r.GetString(0), ("$owner", owner)).FirstOrDefault();
    }

    public bool AnyIn(string space)
    {
        using var connection = database.Open();
        return connection.Query("SELECT 1 FROM recordings WHERE space = $space LIMIT 1", r => true, ("$space", space)).Count > 0;
    }

    private static CatalogEntry Read(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), Enum.Parse<RecordingKind>(r.GetString(3)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
        r.GetInt64(6), r.GetString(7), r.GetString(8), r.GetString(9));
}

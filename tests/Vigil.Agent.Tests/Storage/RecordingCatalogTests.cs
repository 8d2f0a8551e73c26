using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Storage;

/// <summary>The catalog's set-wise passes: what a released key's cleanup reads and deletes, without reading the whole key.</summary>
public sealed class RecordingCatalogTests : IDisposable
{
    private const string Space = "/srv/space1";
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-catalog-").FullName;
    private readonly RecordingCatalog _catalog;

    public RecordingCatalogTests() => _catalog = new RecordingCatalog(new AgentDatabase(Path.Combine(_root, "data")));

    [Fact]
    public void A_folder_lists_only_the_files_directly_in_it_not_a_subfolder_or_a_sibling_sharing_its_name()
    {
        Add("server-1", "failover/server-1/cam1/2026-03-04/a.ts", "01");
        Add("server-1", "failover/server-1/cam1/2026-03-04/b.ts", "02");
        Add("server-1", "failover/server-1/cam1/loose.ts", "03");
        Add("server-1", "failover/server-1/cam10/2026-03-04/c.ts", "04");
        Add("server-1", "failover/server-1/cam1-old/d.ts", "05");

        _catalog.FilesIn(Space, "failover/server-1/cam1/2026-03-04")
            .ShouldBe(["failover/server-1/cam1/2026-03-04/a.ts", "failover/server-1/cam1/2026-03-04/b.ts"], ignoreOrder: true);
        _catalog.FilesIn(Space, "failover/server-1/cam1").ShouldBe(["failover/server-1/cam1/loose.ts"]);
        _catalog.FilesIn(Space, "failover/server-1").ShouldBeEmpty();
        _catalog.FilesIn("/srv/space2", "failover/server-1/cam1/2026-03-04").ShouldBeEmpty("another space holds none of them");
    }

    [Fact]
    public void Removing_by_checksum_takes_every_entry_of_the_key_with_it_in_any_case_and_nothing_of_another_key()
    {
        Add("server-1", "failover/server-1/cam1/a.ts", "0a");
        Add("server-1", "failover/server-1/cam2/b.ts", "0a");
        Add("server-1", "failover/server-1/cam1/c.ts", "0c");
        Add("server-2", "failover/server-2/cam1/a.ts", "0a");

        var files = _catalog.FilesOf("server-1", CatalogSelection.ByChecksums([Checksum("0A"), Checksum("ff")]));
        var removed = _catalog.Remove("server-1", CatalogSelection.ByChecksums([Checksum("0A"), Checksum("ff")]));

        files.ShouldBe([Path.Combine(Space, "failover/server-1/cam1/a.ts"), Path.Combine(Space, "failover/server-1/cam2/b.ts")], ignoreOrder: true);
        removed.ShouldBe(2);
        _catalog.CountOf("server-1").ShouldBe(1);
        _catalog.CountOf("server-2").ShouldBe(1);
        _catalog.Remove("server-1", CatalogSelection.ByChecksums([])).ShouldBe(0);
        _catalog.RemoveAll("server-1").ShouldBe(1);
        _catalog.CountOf("server-1").ShouldBe(0);
        _catalog.CountOf("server-2").ShouldBe(1);
    }

    [Fact]
    public void Removing_by_id_takes_only_those_entries_of_the_key_not_others_of_the_same_bytes()
    {
        var home = Add("server-1", "failover/server-1/cam1/a.ts", "0a");
        Add("server-1", "failover/server-1/cam1/b.ts", "0a");
        var elsewhere = Add("server-2", "failover/server-2/cam1/a.ts", "0a");

        _catalog.FilesOf("server-1", CatalogSelection.ByIds([home.Id, elsewhere.Id])).ShouldBe([Path.Combine(Space, "failover/server-1/cam1/a.ts")]);
        _catalog.Remove("server-1", CatalogSelection.ByIds([home.Id, elsewhere.Id])).ShouldBe(1, "another key's entry is not this key's to remove");
        _catalog.CountOf("server-1").ShouldBe(1);
        _catalog.CountOf("server-2").ShouldBe(1);
        _catalog.Remove("server-1", CatalogSelection.ByIds([])).ShouldBe(0);
    }

    [Fact]
    public void An_entry_holds_an_asked_recording_of_its_bytes_only_at_a_time_that_overlaps_it()
    {
        var kept = Add("own", "own/cam/a.ts", "0a");
        RecordingIdentity Asked(int fromSeconds, int toSeconds) =>
            new("cam", RecordingKind.Video, Checksum("0A"), kept.Start.AddSeconds(fromSeconds), kept.Start.AddSeconds(toSeconds));

        var overlapping = Asked(1, 3);
        var touching = Asked(2, 4);
        var later = Asked(10, 12);
        var unspanned = new RecordingIdentity("cam", RecordingKind.Video, Checksum("0a"));
        _catalog.Held("own", [Asked(0, 2), overlapping, touching, later, unspanned])
            .ShouldBe([Asked(0, 2), overlapping, unspanned], ignoreOrder: true);
    }

    [Fact]
    public void A_page_of_checksums_is_looked_up_by_checksum_not_by_reading_every_entry_of_the_owner()
    {
        using var connection = new AgentDatabase(Path.Combine(_root, "data")).Open();
        using var command = connection.CreateCommand();
        var checksums = CatalogSelection.ByChecksums([]);
        command.CommandText = $"EXPLAIN QUERY PLAN SELECT camera FROM recordings WHERE {checksums.Clause}";
        command.Parameters.AddWithValue("$owner", "own");
        command.Parameters.AddWithValue(checksums.Parameter, checksums.Values);
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        plan.ShouldContain(step => step.Contains("recordings_by_sha256", StringComparison.Ordinal), string.Join(" | ", plan));
    }

    private CatalogEntry Add(string owner, string relativePath, string checksum)
    {
        var start = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
        return _catalog.Add(new CatalogEntry(0, owner, "cam", RecordingKind.Video, start, start.AddSeconds(2), 100, Checksum(checksum), Space, relativePath));
    }

    /// <summary>A 64-digit checksum ending in <paramref name="tail"/>, in the case given.</summary>
    private static string Checksum(string tail) => new string('0', 64 - tail.Length) + tail;

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

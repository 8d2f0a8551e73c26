using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Restore;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Restore;

public sealed class RestoredCatalogWriterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-restored-catalog-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_kept_file_is_catalogued_and_audited_with_its_caller()
    {
        var (writer, catalog, audit) = Create();

        var stored = writer.Add(Entry(1), "cms:site from 10.0.0.2", "own/cam-1/a/restored-1.ts (4 bytes)");

        stored.Id.ShouldBeGreaterThan(0);
        catalog.Find(stored.Id).ShouldBe(stored);
        var entry = audit.Newest(10).ShouldHaveSingleItem();
        (entry.Who, entry.Action, entry.Detail).ShouldBe(("cms:site from 10.0.0.2", "restore.receive", "own/cam-1/a/restored-1.ts (4 bytes)"));
    }

    [Fact]
    public async Task Files_kept_at_once_are_each_catalogued_once_and_each_caller_gets_its_own_entry()
    {
        var (writer, catalog, audit) = Create();

        var stored = await Task.WhenAll(Enumerable.Range(1, 64).Select(i => Task.Run(() => (Index: i, Entry: writer.Add(Entry(i), "cms", $"file {i}")))));

        foreach (var (index, entry) in stored)
        {
            entry.RelativePath.ShouldBe(Entry(index).RelativePath);
            catalog.Find(entry.Id)!.Sha256.ShouldBe(Entry(index).Sha256);
        }

        stored.Select(s => s.Entry.Id).Distinct().Count().ShouldBe(64);
        audit.Newest(100).Select(e => e.Detail).Order(StringComparer.Ordinal)
            .ShouldBe(Enumerable.Range(1, 64).Select(i => $"file {i}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_batch_the_database_refuses_catalogues_none_of_it_says_why_and_the_next_file_is_catalogued()
    {
        var (writer, catalog, audit) = Create();

        // A catalog entry without a checksum breaks the table's NOT NULL rule: the transaction rolls back whole.
        var refused = Should.Throw<InvalidOperationException>(() => writer.Add(Entry(1) with { Sha256 = null! }, "cms", "file 1"));

        refused.Message.ShouldContain(Entry(1).RelativePath);
        refused.InnerException.ShouldNotBeNull();
        audit.Newest(10).ShouldBeEmpty();
        var next = writer.Add(Entry(2), "cms", "file 2");
        catalog.Find(next.Id).ShouldNotBeNull();
        audit.Newest(10).ShouldHaveSingleItem().Detail.ShouldBe("file 2");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (RestoredCatalogWriter Writer, RecordingCatalog Catalog, AuditLog Audit) Create()
    {
        var database = new AgentDatabase(Path.Combine(_root, "data"));
        var audit = new AuditLog(database, _time);
        return (new RestoredCatalogWriter(database, audit), new RecordingCatalog(database), audit);
    }

    private static CatalogEntry Entry(int index) => new(
        0, AgentRoutes.OwnRecordings, "cam-1", RecordingKind.Video, new DateTimeOffset(2026, 3, 1, 11, 0, 0, TimeSpan.Zero).AddSeconds(2 * index),
        new DateTimeOffset(2026, 3, 1, 11, 0, 2, TimeSpan.Zero).AddSeconds(2 * index), 4, Convert.ToHexStringLower(BitConverter.GetBytes((long)index)).PadLeft(64, '0'),
        "/space", $"own/cam-1/a/restored-{index}.ts");
}

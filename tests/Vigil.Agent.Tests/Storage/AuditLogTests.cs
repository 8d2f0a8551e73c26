using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Tests.Storage;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-audit-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Only_the_newest_entries_are_kept_so_the_trail_cannot_fill_the_disk()
    {
        var audit = new AuditLog(new AgentDatabase(Path.Combine(_root, "data")), _time);
        for (var i = 0; i < AuditLog.MaxEntries + 3; i++)
        {
            audit.Record("admin from 127.0.0.1", "camera.edit", $"change {i}");
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var kept = audit.Newest(AuditLog.MaxEntries * 2);

        kept.Count.ShouldBe(AuditLog.MaxEntries);
        kept[0].Detail.ShouldBe($"change {AuditLog.MaxEntries + 2}");
        kept[^1].Detail.ShouldBe("change 3");
        kept[0].At.ShouldBe(_time.GetUtcNow() - TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void A_stream_url_in_the_detail_is_stored_masked()
    {
        var audit = new AuditLog(new AgentDatabase(Path.Combine(_root, "data")), _time);

        audit.Record("cms:site from 10.0.0.2", "camera.add", "camera 'c1' (rtsp://admin:pw123@10.0.0.5/s)");

        audit.Newest(1).Single().Detail.ShouldBe("camera 'c1' (rtsp://admin:***@10.0.0.5/s)");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

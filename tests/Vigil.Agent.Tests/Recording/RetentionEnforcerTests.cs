using Vigil.Agent.Recording;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Recording;

/// <summary>Retention against a real SQLite catalog and real files, at a chosen moment.</summary>
public sealed class RetentionEnforcerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-retention-").FullName;
    private readonly CameraStore _cameras;
    private readonly RecordingCatalog _catalog;

    public RetentionEnforcerTests()
    {
        var database = new AgentDatabase(Path.Combine(_root, "data"));
        _cameras = new CameraStore(database);
        _catalog = new RecordingCatalog(database);
    }

    [Fact]
    public void Deletes_own_recordings_older_than_the_cameras_retention_and_keeps_the_rest()
    {
        _cameras.Put(AgentRoutes.OwnRecordings, new CameraConfig("lobby", "Lobby", "rtsp://cam/1", RetentionHours: 24));
        _cameras.Put(AgentRoutes.OwnRecordings, new CameraConfig("yard", "Yard", "rtsp://cam/2", RetentionHours: 0));
        var old = Add(AgentRoutes.OwnRecordings, "lobby", Now.AddHours(-25));
        var fresh = Add(AgentRoutes.OwnRecordings, "lobby", Now.AddHours(-23));
        var keptForever = Add(AgentRoutes.OwnRecordings, "yard", Now.AddDays(-400));
        var failover = Add("server-1", "lobby", Now.AddDays(-30));

        var deleted = new RetentionEnforcer(_cameras, _catalog).Enforce(Now);

        deleted.ShouldBe(1);
        File.Exists(old.FullPath).ShouldBeFalse();
        _catalog.Find(old.Id).ShouldBeNull();
        foreach (var kept in new[] { fresh, keptForever, failover })
        {
            File.Exists(kept.FullPath).ShouldBeTrue();
            _catalog.Find(kept.Id).ShouldNotBeNull();
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private CatalogEntry Add(string owner, string camera, DateTimeOffset end)
    {
        var space = Path.Combine(_root, "space1");
        var relative = Path.Combine(RecordingTarget.Folder(owner, camera), "2026-01-01", $"{end.ToUnixTimeMilliseconds()}-000000.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(space, relative))!);
        File.WriteAllBytes(Path.Combine(space, relative), [0x47]);
        return _catalog.Add(new CatalogEntry(0, owner, camera, RecordingKind.Video, end.AddSeconds(-2), end, 1, new string('0', 64), space, relative));
    }
}

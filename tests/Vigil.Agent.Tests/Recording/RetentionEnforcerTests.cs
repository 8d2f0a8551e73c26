using Vigil.Agent.Recording;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Recording;

/// <summary>Retention against a real SQLite catalog and real files, at a chosen moment.</summary>
public sealed class RetentionEnforcerTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly CatalogOnDisk _disk = new();

    [Fact]
    public void Deletes_own_recordings_older_than_the_cameras_retention_and_keeps_the_rest()
    {
        _disk.Cameras.Put(AgentRoutes.OwnRecordings, new CameraConfig("lobby", "Lobby", "rtsp://cam/1", RetentionHours: 24));
        _disk.Cameras.Put(AgentRoutes.OwnRecordings, new CameraConfig("yard", "Yard", "rtsp://cam/2", RetentionHours: 0));
        var old = _disk.Add(AgentRoutes.OwnRecordings, "lobby", Now.AddHours(-25));
        var fresh = _disk.Add(AgentRoutes.OwnRecordings, "lobby", Now.AddHours(-23));
        var keptForever = _disk.Add(AgentRoutes.OwnRecordings, "yard", Now.AddDays(-400));
        var failover = _disk.Add("server-1", "lobby", Now.AddDays(-30));

        var deleted = new RetentionEnforcer(_disk.Cameras, _disk.Catalog).Enforce(Now);

        deleted.ShouldBe(1);
        File.Exists(old.FullPath).ShouldBeFalse();
        _disk.Catalog.Find(old.Id).ShouldBeNull();
        foreach (var kept in new[] { fresh, keptForever, failover })
        {
            File.Exists(kept.FullPath).ShouldBeTrue();
            _disk.Catalog.Find(kept.Id).ShouldNotBeNull();
        }
    }

    public void Dispose() => _disk.Dispose();
}

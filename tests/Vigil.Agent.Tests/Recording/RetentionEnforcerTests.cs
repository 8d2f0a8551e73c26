using Vigil.Agent.Recording;
using Vigil.Agent.Storage;
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

    [Fact]
    public void A_catalog_of_many_pages_is_aged_out_whole_past_an_entry_that_runs_across_the_cutoff()
    {
        _disk.Cameras.Put(AgentRoutes.OwnRecordings, new CameraConfig("lobby", "Lobby", "rtsp://cam/1", RetentionHours: 24));
        var cutoff = Now.AddHours(-24);

        // Catalog order is not time order (restored footage is catalogued after what was recorded since): the entry that
        // runs across the cutoff sits among the expired ones, and a page of two ends on it.
        var expired = new List<CatalogEntry> { _disk.Add(AgentRoutes.OwnRecordings, "lobby", cutoff.AddSeconds(-10)) };
        var across = _disk.Add(AgentRoutes.OwnRecordings, "lobby", cutoff.AddSeconds(1));
        expired.AddRange(Enumerable.Range(1, 6).Select(i => _disk.Add(AgentRoutes.OwnRecordings, "lobby", cutoff.AddMinutes(-i))));
        var fresh = _disk.Add(AgentRoutes.OwnRecordings, "lobby", Now);

        var deleted = new RetentionEnforcer(_disk.Cameras, _disk.Catalog) { PageSize = 2 }.Enforce(Now);

        deleted.ShouldBe(expired.Count);
        expired.ShouldAllBe(e => !File.Exists(e.FullPath) && _disk.Catalog.Find(e.Id) == null);
        foreach (var kept in new[] { across, fresh })
        {
            File.Exists(kept.FullPath).ShouldBeTrue();
            _disk.Catalog.Find(kept.Id).ShouldNotBeNull();
        }
    }

    public void Dispose() => _disk.Dispose();
}

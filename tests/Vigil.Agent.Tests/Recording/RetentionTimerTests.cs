using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Recording;
using Vigil.Agent.Restore;
using Vigil.Agent.Storage;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Recording;

/// <summary>
/// Retention runs by itself: at start, and then on every tick of its own one-minute timer under a fake clock, against a
/// real SQLite catalog and real files; between two ticks nothing is deleted, however old it has become.
/// </summary>
public sealed class RetentionTimerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly CatalogOnDisk _disk = new();

    [Fact]
    public async Task Ages_out_recordings_at_start_and_at_each_tick_of_its_own_timer()
    {
        _disk.Cameras.Put(AgentRoutes.OwnRecordings, new CameraConfig("lobby", "Lobby", "rtsp://cam/1", RetentionHours: 24));
        var oldAtStart = Add(Start.AddHours(-25));
        var oldAfter30Seconds = Add(Start.AddHours(-24).AddSeconds(30));
        var time = new FakeTimeProvider(Start);
        using var timer = new RetentionTimer(new RetentionEnforcer(_disk.Cameras, _disk.Catalog), new AbandonedPartials([]), time, NullLogger<RetentionTimer>.Instance);

        await timer.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => _disk.Catalog.Find(oldAtStart.Id) is null, TimeSpan.FromSeconds(10), "the pass at start to delete the expired recording");
        File.Exists(oldAtStart.FullPath).ShouldBeFalse();

        // 45 s on, the second recording has been past its retention for 15 s, but the timer has not ticked.
        time.Advance(TimeSpan.FromSeconds(45));
        File.Exists(oldAfter30Seconds.FullPath).ShouldBeTrue("nothing runs between two ticks");

        time.Advance(RetentionTimer.Interval - TimeSpan.FromSeconds(45));
        await Eventually.UntilAsync(() => _disk.Catalog.Find(oldAfter30Seconds.Id) is null, TimeSpan.FromSeconds(10), "the tick a minute after start to delete it");
        File.Exists(oldAfter30Seconds.FullPath).ShouldBeFalse();
        await timer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_failed_pass_is_logged_and_tried_again_at_the_next_tick()
    {
        _disk.Cameras.Put(AgentRoutes.OwnRecordings, new CameraConfig("lobby", "Lobby", "rtsp://cam/1", RetentionHours: 24));
        var old = Add(Start.AddHours(-25));

        // A folder where the expired file should be: deleting it fails at start.
        File.Delete(old.FullPath);
        Directory.CreateDirectory(old.FullPath);
        var time = new FakeTimeProvider(Start);
        var logger = new FakeLogger<RetentionTimer>();
        using var timer = new RetentionTimer(new RetentionEnforcer(_disk.Cameras, _disk.Catalog), new AbandonedPartials([]), time, logger);
        await timer.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => logger.Collector.GetSnapshot().Any(r => r.Level == LogLevel.Error), TimeSpan.FromSeconds(10), "the failed pass to be logged");
        _disk.Catalog.Find(old.Id).ShouldNotBeNull();

        Directory.Delete(old.FullPath);
        await File.WriteAllBytesAsync(old.FullPath, [0x47]);
        time.Advance(RetentionTimer.Interval);
        await Eventually.UntilAsync(() => _disk.Catalog.Find(old.Id) is null, TimeSpan.FromSeconds(10), "the next tick to delete it");
        File.Exists(old.FullPath).ShouldBeFalse();
        await timer.StopAsync(CancellationToken.None);
    }

    public void Dispose() => _disk.Dispose();

    private CatalogEntry Add(DateTimeOffset end) => _disk.Add(AgentRoutes.OwnRecordings, "lobby", end);
}

using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Failover;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Tests.Failover;

/// <summary>A restore's progress in all and per camera: what is home and, by difference, what is still on the standbys.</summary>
public sealed class ProgressTallyTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly List<RestoreProgress> _reported = [];
    private IReadOnlyList<CameraRestoreView> _cameras = [];

    [Fact]
    public async Task Each_camera_counts_its_own_files_and_bytes_and_one_camera_spread_over_two_standbys_is_one_line()
    {
        // Two standbys held the outage in turn: cam-1 is on both.
        CameraTotals[] totals = [new("cam-1", 3, 300), new("cam-2", 2, 2000), new("cam-1", 1, 100)];
        using var tally = Tally(totals);

        tally.AddBytes("cam-1", 100);
        tally.AddFile("cam-1");
        tally.AddBytes("cam-2", 1000);
        tally.AddFile("cam-2");
        tally.AddBytes("cam-2", 400); // the second file of cam-2, on its way
        await tally.ReportAsync();

        _reported.Single().ShouldBe(new RestoreProgress(1500, 2400, 2, 6));
        _cameras.ShouldBe([new CameraRestoreView("cam-1", 1, 4, 100, 400), new CameraRestoreView("cam-2", 1, 2, 1400, 2000)]);
    }

    [Fact]
    public async Task Progress_is_written_at_most_once_per_interval_while_copying_and_never_beyond_the_whole()
    {
        using var tally = Tally([new("cam-1", 1, 100)]);

        tally.AddBytes("cam-1", 60);
        await tally.ReportIfDueAsync(TimeSpan.FromSeconds(1));
        tally.AddBytes("cam-1", 60); // a file catalogued after the totals were read, or a resent prefix
        tally.AddFile("cam-1");
        tally.AddFile("cam-1");
        await tally.ReportIfDueAsync(TimeSpan.FromSeconds(1));
        _reported.Count.ShouldBe(1, "not due yet");

        _time.Advance(TimeSpan.FromSeconds(1));
        await tally.ReportIfDueAsync(TimeSpan.FromSeconds(1));

        _reported.Count.ShouldBe(2);
        _reported[^1].ShouldBe(new RestoreProgress(100, 100, 1, 1));
        _cameras.ShouldBe([new CameraRestoreView("cam-1", 1, 1, 100, 100)]);
    }

    [Fact]
    public async Task Standbys_that_do_not_count_by_camera_give_the_progress_in_all_and_no_camera_lines()
    {
        using var tally = Tally([]);

        tally.AddBytes("cam-1", 10);
        tally.AddFile("cam-1");
        await tally.ReportAsync();

        _reported.Single().ShouldBe(new RestoreProgress(10, 10, 1, 1));
        _cameras.ShouldBeEmpty();
    }

    private ProgressTally Tally(CameraTotals[] cameras) => new(
        cameras.Length == 0 ? 10 : cameras.Sum(c => c.Bytes), cameras.Length == 0 ? 1 : cameras.Sum(c => c.Files), cameras,
        progress =>
        {
            _reported.Add(progress);
            return Task.CompletedTask;
        },
        published => _cameras = published, _time);
}

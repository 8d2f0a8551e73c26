using Microsoft.Extensions.Time.Testing;
using Vigil.Hosting.Transfers;

namespace Vigil.Agent.Tests.Hosting.Transfers;

/// <summary>A transfer ends when it stops moving bytes, never for how long it runs.</summary>
public sealed class StallWatchTests
{
    private static readonly TimeSpan After = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_transfer_that_keeps_moving_bytes_runs_as_long_as_it_needs_and_one_that_stops_is_ended()
    {
        using var watch = new StallWatch(After, _time, CancellationToken.None);

        for (var minute = 0; minute < 10; minute++)
        {
            _time.Advance(TimeSpan.FromSeconds(29));
            watch.Progressed();
        }

        watch.Token.IsCancellationRequested.ShouldBeFalse("ten minutes of steady bytes are no stall");
        _time.Advance(TimeSpan.FromSeconds(29));
        watch.Token.IsCancellationRequested.ShouldBeFalse();
        _time.Advance(TimeSpan.FromSeconds(1));
        watch.Token.IsCancellationRequested.ShouldBeTrue();
        watch.Stalled.ShouldBeTrue();
    }

    [Fact]
    public void A_cancelled_caller_is_not_a_stall()
    {
        using var caller = new CancellationTokenSource();
        using var watch = new StallWatch(After, _time, caller.Token);

        caller.Cancel();

        watch.Token.IsCancellationRequested.ShouldBeTrue();
        watch.Stalled.ShouldBeFalse();
    }

    [Fact]
    public async Task Reading_through_the_paced_stream_counts_as_progress_and_keeps_to_the_chunk()
    {
        using var watch = new StallWatch(After, _time, CancellationToken.None);
        var bandwidth = new RestoreBandwidth(() => 20_000, _time);
        var moved = 0;
        await using var source = new PacedSourceStream(new MemoryStream(new byte[5000]), bandwidth, watch, n =>
        {
            moved += n;
            return Task.CompletedTask;
        });
        var buffer = new byte[81920];

        _time.Advance(TimeSpan.FromSeconds(29));
        var reading = source.ReadAsync(buffer).AsTask();
        _time.Advance(TimeSpan.FromSeconds(29));
        var read = await reading;

        read.ShouldBe(1024);
        moved.ShouldBe(1024);
        watch.Stalled.ShouldBeFalse("the read gave the transfer another 30 s");
    }
}

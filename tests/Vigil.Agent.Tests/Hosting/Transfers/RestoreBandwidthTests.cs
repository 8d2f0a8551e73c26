using Microsoft.Extensions.Time.Testing;
using Vigil.Hosting.Transfers;

namespace Vigil.Agent.Tests.Hosting.Transfers;

/// <summary>The site's restore bandwidth: one bucket for every restore and file in flight, paid at an even rate, a pause earning little credit.</summary>
public sealed class RestoreBandwidthTests
{
    private const long MegabytePerSecond = 1_000_000;

    /// <summary>How long a wait whose fake time has come may take to finish on the thread pool.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Two_copies_taking_at_once_share_the_limit_one_after_the_other()
    {
        var bandwidth = new RestoreBandwidth(() => MegabytePerSecond, _time);

        var first = bandwidth.TakeAsync(1_000_000, CancellationToken.None).AsTask();
        var second = bandwidth.TakeAsync(1_000_000, CancellationToken.None).AsTask();

        _time.Advance(TimeSpan.FromMilliseconds(990));
        first.IsCompleted.ShouldBeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(10));
        await first.WaitAsync(Deadline); // a megabyte at a megabyte a second takes a second
        _time.Advance(TimeSpan.FromMilliseconds(990));
        second.IsCompleted.ShouldBeFalse("the second copy pays after the first: two megabytes take two seconds");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        await second.WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_pause_earns_a_quarter_second_of_credit_at_most()
    {
        var bandwidth = new RestoreBandwidth(() => MegabytePerSecond, _time);
        _time.Advance(TimeSpan.FromMinutes(10));

        var burst = bandwidth.TakeAsync(250_000, CancellationToken.None).AsTask();
        var next = bandwidth.TakeAsync(500_000, CancellationToken.None).AsTask();

        burst.IsCompleted.ShouldBeTrue("a quarter second's worth goes at once after a pause");
        _time.Advance(TimeSpan.FromMilliseconds(490));
        next.IsCompleted.ShouldBeFalse("ten idle minutes are not ten minutes of credit");
        _time.Advance(TimeSpan.FromMilliseconds(10));
        await next.WaitAsync(Deadline);
    }

    [Fact]
    public void No_limit_never_waits_and_a_new_limit_applies_to_the_next_read()
    {
        long limit = 0;
        var bandwidth = new RestoreBandwidth(() => limit, _time);

        bandwidth.TakeAsync(100_000_000, CancellationToken.None).AsTask().IsCompleted.ShouldBeTrue();
        bandwidth.ChunkFor(81920).ShouldBe(81920);

        limit = 20_000;
        bandwidth.ChunkFor(81920).ShouldBe(1024, "at a low limit one read is a twentieth of a second, not a burst");
        bandwidth.TakeAsync(20_000, CancellationToken.None).AsTask().IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public void Each_pull_gets_the_limit_divided_among_the_pulls_running_when_it_starts_and_an_ended_pull_frees_its_part()
    {
        var limit = 3 * MegabytePerSecond;
        var bandwidth = new RestoreBandwidth(() => limit, _time);

        using var first = bandwidth.JoinPull();
        var second = bandwidth.JoinPull();
        using var third = bandwidth.JoinPull();

        first.BytesPerSecond.ShouldBe(3 * MegabytePerSecond, "alone when it started, the first pull has the whole limit");
        second.BytesPerSecond.ShouldBe(3 * MegabytePerSecond / 2);
        third.BytesPerSecond.ShouldBe(MegabytePerSecond);

        second.Dispose();
        second.Dispose(); // ending twice frees its part once
        using var fourth = bandwidth.JoinPull();
        fourth.BytesPerSecond.ShouldBe(MegabytePerSecond, "three pulls run again, not four");

        limit = 0;
        using var unlimited = bandwidth.JoinPull();
        unlimited.BytesPerSecond.ShouldBe(0, "no limit, no share");
    }
}

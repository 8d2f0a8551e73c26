using Vigil.Agent.Api;

namespace Vigil.Agent.Tests.Api;

public sealed class SnapshotLimiterTests
{
    [Fact]
    public void Only_the_maximum_number_of_snapshots_run_at_once_and_a_finished_one_frees_its_slot()
    {
        using var limiter = new SnapshotLimiter();
        var slots = Enumerable.Range(0, SnapshotLimiter.MaxConcurrent).Select(_ => limiter.TryEnter()).ToList();

        slots.ShouldAllBe(s => s != null);
        limiter.TryEnter().ShouldBeNull();

        slots[0]!.Dispose();
        slots[0]!.Dispose();
        using var next = limiter.TryEnter();
        next.ShouldNotBeNull();
        limiter.TryEnter().ShouldBeNull("disposing a slot twice frees it once");
    }
}

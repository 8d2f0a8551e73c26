using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.WebConsole;

namespace Vigil.Cms.Tests.WebConsole;

/// <summary>The live snapshot is built once per <see cref="SharedSnapshot.MaxAge"/> for every open console, under a fake clock.</summary>
public sealed class SharedSnapshotTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero));
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _builds;

    [Fact]
    public async Task Ten_consoles_asking_at_once_share_one_build()
    {
        using var snapshot = new SharedSnapshot(BuildAsync, _time);

        var asked = Enumerable.Range(0, 10).Select(_ => snapshot.CurrentAsync(CancellationToken.None)).ToList();
        _gate.SetResult();
        var answers = await Task.WhenAll(asked);

        _builds.ShouldBe(1);
        answers.ShouldAllBe(a => a == "build 1");
    }

    [Fact]
    public async Task A_copy_is_reused_until_it_is_max_age_old_and_then_built_again()
    {
        _gate.SetResult();
        using var snapshot = new SharedSnapshot(BuildAsync, _time);

        (await snapshot.CurrentAsync(CancellationToken.None)).ShouldBe("build 1");
        _time.Advance(SharedSnapshot.MaxAge - TimeSpan.FromMilliseconds(1));
        (await snapshot.CurrentAsync(CancellationToken.None)).ShouldBe("build 1");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        (await snapshot.CurrentAsync(CancellationToken.None)).ShouldBe("build 2");
        _builds.ShouldBe(2);
    }

    [Fact]
    public async Task A_failed_build_is_not_kept_and_the_next_caller_builds_again()
    {
        _gate.SetResult();
        var fail = true;
        using var snapshot = new SharedSnapshot(async ct => fail ? throw new InvalidOperationException("the database went away") : await BuildAsync(ct), _time);

        await Should.ThrowAsync<InvalidOperationException>(() => snapshot.CurrentAsync(CancellationToken.None));
        fail = false;
        (await snapshot.CurrentAsync(CancellationToken.None)).ShouldBe("build 1");
    }

    private async Task<string> BuildAsync(CancellationToken cancellationToken)
    {
        await _gate.Task.WaitAsync(cancellationToken);
        return $"build {Interlocked.Increment(ref _builds)}";
    }
}

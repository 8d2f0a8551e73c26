using Vigil.Cms.Monitoring;

namespace Vigil.Cms.Tests.Monitoring;

public sealed class ProtectionTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly ProtectionTracker _tracker = new(TimeSpan.FromSeconds(10));

    [Fact]
    public void A_loss_is_reported_once_after_it_has_held_and_its_end_likewise()
    {
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(9)).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(10)).ShouldBe([(1, false)]);
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(30)).ShouldBeEmpty();

        _tracker.Observe(new Dictionary<int, bool> { [1] = true }, Start.AddSeconds(40)).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = true }, Start.AddSeconds(50)).ShouldBe([(1, true)]);
    }

    [Fact]
    public void A_loss_shorter_than_the_hold_raises_nothing()
    {
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = true }, Start.AddSeconds(5)).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(8)).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(17)).ShouldBeEmpty("the hold starts again at each change");
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(18)).ShouldBe([(1, false)]);
    }

    [Fact]
    public void What_the_event_log_said_last_is_not_said_again_after_a_restart()
    {
        _tracker.Remember(1, isProtected: false);
        _tracker.Remember(2, isProtected: false);

        _tracker.Observe(new Dictionary<int, bool> { [1] = false, [2] = true }, Start).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = false, [2] = true }, Start.AddSeconds(10)).ShouldBe([(2, true)]);
    }

    [Fact]
    public void A_server_left_out_is_forgotten_and_its_hold_starts_afresh()
    {
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool>(), Start.AddSeconds(5)).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(12)).ShouldBeEmpty();
        _tracker.Observe(new Dictionary<int, bool> { [1] = false }, Start.AddSeconds(22)).ShouldBe([(1, false)]);
    }
}

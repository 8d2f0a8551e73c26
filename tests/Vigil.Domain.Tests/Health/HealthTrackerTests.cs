using Microsoft.Extensions.Time.Testing;
using Vigil.Domain.Health;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests.Health;

public class HealthTrackerTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _clock = TestClock.New();

    private HealthTracker Tracker(HealthPolicy? policy = null, HealthState initial = HealthState.Healthy) =>
        new(policy ?? HealthPolicy.Default, _clock, initial);

    private List<HealthState> Feed(HealthTracker tracker, string probes)
    {
        var states = new List<HealthState>();
        foreach (var probe in probes)
        {
            _clock.Advance(Second);
            tracker.Observe(probe == '+' ? ProbeResult.Ok : ProbeResult.Unreachable);
            states.Add(tracker.State);
        }

        return states;
    }

    [Fact]
    public void Starts_healthy() => Tracker().State.ShouldBe(HealthState.Healthy);

    [Fact]
    public void One_miss_makes_a_server_suspect_but_still_functional()
    {
        var tracker = Tracker();

        var change = tracker.Observe(ProbeResult.Unreachable);

        change!.To.ShouldBe(HealthState.Suspect);
        tracker.IsFunctional.ShouldBeTrue();
    }

    [Fact]
    public void Fails_on_the_third_consecutive_miss_by_default()
    {
        var tracker = Tracker();

        Feed(tracker, "---").ShouldBe([HealthState.Suspect, HealthState.Suspect, HealthState.Failed]);
        tracker.IsFunctional.ShouldBeFalse();
        tracker.ConsecutiveMisses.ShouldBe(3);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void Miss_threshold_is_a_setting(int misses)
    {
        var tracker = Tracker(HealthPolicy.Default with { MissesBeforeFailure = misses });

        Feed(tracker, new string('-', misses - 1));
        tracker.State.ShouldNotBe(HealthState.Failed);
        Feed(tracker, "-");
        tracker.State.ShouldBe(HealthState.Failed);
    }

    [Fact]
    public void A_good_probe_clears_the_misses()
    {
        var tracker = Tracker();

        Feed(tracker, "--+--").ShouldNotContain(HealthState.Failed);
        tracker.State.ShouldBe(HealthState.Suspect);
    }

    [Fact]
    public void An_alternating_sequence_never_fails()
    {
        var tracker = Tracker();

        Feed(tracker, string.Concat(Enumerable.Repeat("-+", 500))).ShouldNotContain(HealthState.Failed);
    }

    [Fact]
    public void A_server_recovers_only_after_the_whole_stabilisation_period()
    {
        var tracker = Tracker();
        Feed(tracker, "---");

        // The first good probe starts the period; the probe ten seconds later ends it.
        var states = Feed(tracker, new string('+', 11));

        states[..10].ShouldAllBe(s => s == HealthState.Recovering);
        states[10].ShouldBe(HealthState.Recovered);
        tracker.IsFunctional.ShouldBeTrue();
    }

    [Fact]
    public void A_miss_while_recovering_fails_again_and_restarts_the_stabilisation_period()
    {
        var tracker = Tracker();
        Feed(tracker, "---" + new string('+', 10));

        Feed(tracker, "-").ShouldBe([HealthState.Failed]);
        Feed(tracker, new string('+', 10)).ShouldAllBe(s => s == HealthState.Recovering);
        Feed(tracker, "+").ShouldBe([HealthState.Recovered]);
    }

    [Fact]
    public void A_flapping_server_never_recovers_nor_fails_again()
    {
        var tracker = Tracker();
        Feed(tracker, "---");

        var states = Feed(tracker, string.Concat(Enumerable.Repeat("+++++-", 20)));

        states.ShouldNotContain(HealthState.Recovered);
        states.ShouldAllBe(s => s == HealthState.Failed || s == HealthState.Recovering);
    }

    [Fact]
    public void Stabilisation_period_is_a_setting()
    {
        var tracker = Tracker(HealthPolicy.Default with { StabilisationPeriod = TimeSpan.FromSeconds(3) });
        Feed(tracker, "---");

        Feed(tracker, "++++").ShouldBe([HealthState.Recovering, HealthState.Recovering, HealthState.Recovering, HealthState.Recovered]);
    }

    [Fact]
    public void With_no_stabilisation_period_the_first_good_probe_recovers()
    {
        var tracker = Tracker(HealthPolicy.Default with { StabilisationPeriod = TimeSpan.Zero });
        Feed(tracker, "---");

        var change = tracker.Observe(ProbeResult.Ok);

        change.ShouldBe(new HealthChange(HealthState.Failed, HealthState.Recovered, _clock.GetUtcNow(), change!.Reason));
    }

    [Fact]
    public void Recovered_becomes_healthy_on_the_next_good_probe()
    {
        var tracker = Tracker(HealthPolicy.Default with { StabilisationPeriod = TimeSpan.Zero });
        Feed(tracker, "---+");

        Feed(tracker, "+").ShouldBe([HealthState.Healthy]);
        tracker.LastProblem.ShouldBeNull();
    }

    [Fact]
    public void A_tracker_started_failed_waits_a_whole_stabilisation_period()
    {
        var tracker = Tracker(initial: HealthState.Failed);

        Feed(tracker, new string('+', 10)).ShouldAllBe(s => s == HealthState.Recovering);
        Feed(tracker, "+").ShouldBe([HealthState.Recovered]);
    }

    [Fact]
    public void Reports_each_change_once_with_its_time_and_reason()
    {
        var tracker = Tracker();
        Feed(tracker, "--");
        _clock.Advance(Second);

        var change = tracker.Observe(new ProbeResult(ProbeOutcome.Unreachable, "connection refused"));

        change!.From.ShouldBe(HealthState.Suspect);
        change.To.ShouldBe(HealthState.Failed);
        change.At.ShouldBe(_clock.GetUtcNow());
        change.Reason.ShouldContain("3 failed probe(s) in a row: connection refused");
        tracker.Since.ShouldBe(_clock.GetUtcNow());
        tracker.Observe(ProbeResult.Unreachable).ShouldBeNull();
        tracker.LastProblem.ShouldBe("no answer within the probe timeout");
    }

    [Theory]
    [InlineData(ProbeOutcome.SpaceFailure)]
    [InlineData(ProbeOutcome.RecordingServiceFailure)]
    public void A_failure_reported_by_a_reachable_agent_counts_as_a_miss(ProbeOutcome outcome)
    {
        var tracker = Tracker();

        for (var i = 0; i < 3; i++)
        {
            tracker.Observe(new ProbeResult(outcome, "space /srv/a is missing"));
        }

        tracker.State.ShouldBe(HealthState.Failed);
        tracker.LastProblem.ShouldBe("space /srv/a is missing");
    }

    [Fact]
    public void A_failure_condition_that_is_turned_off_does_not_count()
    {
        var tracker = Tracker(HealthPolicy.Default with { Conditions = FailureConditions.Unreachable | FailureConditions.SpaceFailure });

        for (var i = 0; i < 5; i++)
        {
            tracker.Observe(new ProbeResult(ProbeOutcome.RecordingServiceFailure));
        }

        tracker.State.ShouldBe(HealthState.Healthy);
    }

    [Fact]
    public void A_tracker_cannot_start_in_a_transient_state() =>
        Should.Throw<ArgumentOutOfRangeException>(() => Tracker(initial: HealthState.Suspect));
}

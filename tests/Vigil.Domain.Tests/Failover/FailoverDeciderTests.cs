using Vigil.Domain.Failover;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;
using Vigil.Domain.Planning;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests.Failover;

public class FailoverDeciderTests
{
    private static readonly ServerId Rec1 = EpisodeDriver.Original;
    private static readonly ServerId Rec2 = EpisodeDriver.OtherRecording;
    private static readonly ServerId A = EpisodeDriver.StandbyA;
    private static readonly ServerId B = EpisodeDriver.StandbyB;

    private readonly EpisodeDriver _episodes = new();
    private readonly Dictionary<ServerId, HealthState> _health = [];
    private readonly FailoverDecider _decider;

    public FailoverDeciderTests() => _decider = new FailoverDecider(_episodes.Clock);

    private static List<ManagedServer> Fleet(params ManagedServer[] servers) => [.. servers];

    private IReadOnlyList<FailoverDecision> Decide(
        IReadOnlyList<ManagedServer> servers, IReadOnlyList<FailoverEpisode> open, FailoverSettings? settings = null,
        FailoverGroup? group = null, long highestEpoch = 7) =>
        _decider.Decide(new FailoverSituation([group ?? Servers.Group1], servers, _health, open, settings ?? FailoverSettings.Default,
            new Epoch(highestEpoch), Servers.CmsVersion) { Problems = new Dictionary<ServerId, string> { [A] = "disk gone" } });

    private FailoverEpisode SecondDetected(int priorityServer = 2) =>
        _episodes.Detected() with { Id = new EpisodeId(2), RecordingServer = new ServerId(priorityServer) };

    [Fact]
    public void A_failed_recording_server_without_an_episode_begins_one_and_nothing_is_planned_that_round()
    {
        _health[Rec1] = HealthState.Failed;

        Decide(Fleet(Servers.Recording(1), Servers.Standby(10)), []).ShouldBe([new BeginEpisode(Rec1)]);
    }

    [Fact]
    public void No_episode_begins_with_automatic_failover_or_the_groups_protection_off_or_for_a_disabled_server()
    {
        _health[Rec1] = HealthState.Failed;
        var fleet = Fleet(Servers.Recording(1), Servers.Standby(10));

        Decide(fleet, [], FailoverSettings.Default with { AutomaticFailover = false }).ShouldBeEmpty();
        Decide(fleet, [], group: Servers.Group1 with { ProtectionEnabled = false }).ShouldBeEmpty();
        Decide(Fleet(Servers.Recording(1, enabled: false), Servers.Standby(10)), []).ShouldBeEmpty();
    }

    [Fact]
    public void No_episode_begins_for_a_server_whose_agent_must_be_updated_first()
    {
        _health[Rec1] = HealthState.Failed;
        var old = Servers.Recording(1) with { Report = Servers.Report(cameras: 4, emptySpace: false, version: new Version(1, 1, 5)) };

        Decide(Fleet(old, Servers.Standby(10)), []).ShouldBeEmpty();
    }

    [Fact]
    public void A_detected_episode_gets_the_ready_standby_with_the_next_epoch()
    {
        _health[Rec1] = HealthState.Failed;
        var detected = _episodes.Detected();

        Decide(Fleet(Servers.Recording(1), Servers.Standby(10)), [detected])
            .ShouldBe([new ApplyInput(detected.Id, new StandbyChosen(A, new Epoch(8)))]);
    }

    [Fact]
    public void A_recovered_original_of_an_active_automatic_episode_fails_back_unless_automatic_failback_is_off()
    {
        var active = _episodes.Active();
        _health[Rec1] = HealthState.Recovered;
        var fleet = Fleet(Servers.Recording(1), Servers.Standby(10));

        Decide(fleet, [active]).ShouldBe([new ApplyInput(active.Id, new OriginalRecovered())]);
        Decide(fleet, [active], FailoverSettings.Default with { AutomaticFailback = false }).ShouldBeEmpty();
        Decide(fleet, [_episodes.Active(FailoverOrigin.Manual)]).ShouldBeEmpty();
    }

    [Fact]
    public void A_recording_server_back_before_any_takeover_ends_its_episode()
    {
        var assigning = _episodes.Assigning();

        Decide(Fleet(Servers.Recording(1)), [assigning]).ShouldBe([new ApplyInput(assigning.Id, new OriginalRecovered())]);
    }

    [Fact]
    public void A_lost_standby_is_replaced_by_another_in_the_same_round()
    {
        var active = _episodes.Active();
        _health[Rec1] = HealthState.Failed;
        _health[A] = HealthState.Failed;

        Decide(Fleet(Servers.Recording(1), Servers.Standby(10), Servers.Standby(11)), [active]).ShouldBe([
            new ApplyInput(active.Id, new StandbyLost("disk gone")),
            new ApplyInput(active.Id, new StandbyChosen(B, new Epoch(8))),
        ]);
    }

    [Fact]
    public void Two_failures_and_one_standby_protect_the_higher_priority_server_and_say_why_the_other_waits()
    {
        _health[Rec1] = HealthState.Failed;
        _health[Rec2] = HealthState.Failed;
        var first = _episodes.Detected();
        var second = SecondDetected();

        var decisions = Decide(Fleet(Servers.Recording(1, priority: 5), Servers.Recording(2, priority: 1), Servers.Standby(10)), [first, second]);

        decisions.ShouldBe([
            new ApplyInput(first.Id, new NoStandbyAvailable(TakeoverPlanner.AllTakenReason)),
            new ApplyInput(second.Id, new StandbyChosen(A, new Epoch(8))),
        ]);
    }

    [Fact]
    public void Epochs_increase_from_the_highest_in_decision_order()
    {
        _health[Rec1] = HealthState.Failed;
        _health[Rec2] = HealthState.Failed;

        var decisions = Decide(
            Fleet(Servers.Recording(1), Servers.Recording(2), Servers.Standby(10), Servers.Standby(11)), [_episodes.Detected(), SecondDetected()],
            highestEpoch: 41);

        decisions.Select(d => ((StandbyChosen)((ApplyInput)d).Input).Epoch).ShouldBe([new Epoch(42), new Epoch(43)]);
    }

    [Fact]
    public void An_episode_already_waiting_for_the_same_reason_is_not_written_again()
    {
        _health[Rec1] = HealthState.Failed;
        var assigning = _episodes.Accept(_episodes.Detected(), new NoStandbyAvailable("no ready standby in the group"));

        Decide(Fleet(Servers.Recording(1)), [assigning]).ShouldBeEmpty();
    }

    [Fact]
    public void An_original_failing_again_during_failback_is_retaken_with_the_next_epoch()
    {
        var failingBack = _episodes.FailingBack();
        _health[Rec1] = HealthState.Failed;

        Decide(Fleet(Servers.Recording(1), Servers.Standby(10)), [failingBack])
            .ShouldBe([new ApplyInput(failingBack.Id, new OriginalFailed(new Epoch(8)))]);
    }

    [Fact]
    public void A_disabled_waiting_server_without_footage_has_its_failover_stopped()
    {
        var assigning = _episodes.Assigning();
        _health[Rec1] = HealthState.Failed;

        Decide(Fleet(Servers.Recording(1, enabled: false), Servers.Standby(10)), [assigning])
            .ShouldBe([new ApplyInput(assigning.Id, new StopFailover(Confirmed: true))]);
    }

    [Fact]
    public void A_disabled_functional_server_whose_lost_standby_holds_footage_takes_it_home_instead_of_discarding_it()
    {
        var assigning = _episodes.AssigningWithFootage();
        _health[A] = HealthState.Failed;

        Decide(Fleet(Servers.Recording(1, enabled: false), Servers.Standby(10)), [assigning])
            .ShouldBe([new ApplyInput(assigning.Id, new OriginalRecovered())]);
    }

    [Fact]
    public void A_disabled_failed_server_whose_lost_standby_holds_footage_is_left_alone()
    {
        var assigning = _episodes.AssigningWithFootage();
        _health[Rec1] = HealthState.Failed;
        _health[A] = HealthState.Failed;

        Decide(Fleet(Servers.Recording(1, enabled: false), Servers.Standby(10), Servers.Standby(11)), [assigning]).ShouldBeEmpty();
    }
}

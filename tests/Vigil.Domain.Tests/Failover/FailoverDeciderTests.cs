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
    public void A_round_that_begins_an_episode_in_one_group_still_plans_the_other_groups()
    {
        var newlyFailed = new ServerId(3);
        _health[Rec1] = HealthState.Failed;
        _health[Rec2] = HealthState.Failed;
        _health[newlyFailed] = HealthState.Failed;
        var waiting = _episodes.Detected();
        var waitingInGroup2 = SecondDetected() with { Group = Servers.Group2.Id };
        var fleet = Fleet(
            Servers.Recording(1), Servers.Standby(10),
            Servers.Recording(2, group: Servers.Group2.Id), Servers.Recording(3, group: Servers.Group2.Id), Servers.Standby(20, group: Servers.Group2.Id));

        var decisions = _decider.Decide(new FailoverSituation([Servers.Group1, Servers.Group2], fleet, _health, [waiting, waitingInGroup2],
            FailoverSettings.Default, new Epoch(7), Servers.CmsVersion));

        // Group 2's waiting server is planned next round, with the one failed beside it.
        decisions.ShouldBe([new BeginEpisode(newlyFailed), new ApplyInput(waiting.Id, new StandbyChosen(A, new Epoch(8)))]);
    }

    [Fact]
    public void A_round_begins_at_most_its_share_of_episodes_but_never_part_of_a_group()
    {
        var groups = new[] { Servers.Group1, Servers.Group2, new FailoverGroup(new GroupId(3), "Dock", ProtectionEnabled: true, IsDefault: false) };
        var fleet = new List<ManagedServer>();
        foreach (var (group, index) in groups.Select((g, i) => (g, i)))
        {
            for (var id = 100 + (index * 40); id < 140 + (index * 40); id++)
            {
                fleet.Add(Servers.Recording(id, group: group.Id));
                _health[new ServerId(id)] = HealthState.Failed;
            }
        }

        var decisions = _decider.Decide(new FailoverSituation(groups, fleet, _health, [], FailoverSettings.Default, new Epoch(7), Servers.CmsVersion));

        FailoverDecider.MostBegunPerRound.ShouldBeLessThan(80);
        decisions.ShouldBe(Enumerable.Range(100, 80).Select(id => (FailoverDecision)new BeginEpisode(new ServerId(id))),
            "the second group is begun whole though the share is reached inside it, and the third waits for the next round");
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

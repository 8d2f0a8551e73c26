using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;
using Vigil.Domain.Tests.Failover;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests.Inventory;

public class ServerChangeRulesTests
{
    private static readonly ManagedServer Original = Servers.Recording(EpisodeDriver.Original.Value);
    private static readonly ManagedServer Acting = Servers.Standby(EpisodeDriver.StandbyA.Value);
    private static readonly ManagedServer Idle = Servers.Standby(EpisodeDriver.StandbyB.Value);
    private readonly EpisodeDriver _episodes = new();

    public static TheoryData<string> MidTakeoverPhases => ["detected", "assigning", "taking-over", "failing-back"];

    private FailoverEpisode In(string phase) => phase switch
    {
        "detected" => _episodes.Detected(),
        "assigning" => _episodes.Assigning(),
        "taking-over" => _episodes.TakingOver(),
        "active" => _episodes.Active(),
        "failing-back" => _episodes.FailingBack(),
        "restoring" => _episodes.Restoring(),
        "cleaning" => _episodes.Cleaning(),
        _ => throw new ArgumentOutOfRangeException(nameof(phase)),
    };

    [Fact]
    public void Servers_without_a_failover_are_removed_edited_and_disabled_freely()
    {
        foreach (var server in new[] { Original, Acting, Idle })
        {
            ServerChangeRules.CanRemove(server, [], confirmed: false).IsAllowed.ShouldBeTrue();
            ServerChangeRules.CanEdit(server, [], confirmed: false).IsAllowed.ShouldBeTrue();
            ServerChangeRules.CanDisable(server, [], confirmed: false).IsAllowed.ShouldBeTrue();
        }
    }

    [Theory]
    [MemberData(nameof(MidTakeoverPhases))]
    public void A_server_in_the_middle_of_a_takeover_cannot_be_removed_even_when_confirmed(string phase)
    {
        var episode = In(phase);

        var refusal = ServerChangeRules.CanRemove(Original, [episode], confirmed: true).Refusal;

        refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.InTakeover);
        refusal.Message.ShouldContain("disable it first");
    }

    [Fact]
    public void The_standby_that_is_taking_over_cannot_be_removed_but_can_be_disabled_with_confirmation()
    {
        var episode = _episodes.TakingOver();

        ServerChangeRules.CanRemove(Acting, [episode], confirmed: true).Refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.InTakeover);
        ServerChangeRules.CanDisable(Acting, [episode], confirmed: false).Refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.ConfirmationRequired);
        ServerChangeRules.CanDisable(Acting, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void An_acting_standby_is_removed_edited_or_disabled_only_when_confirmed_and_that_stops_its_failover()
    {
        var episode = _episodes.Active();

        ServerChangeRules.CanRemove(Acting, [episode], confirmed: false).Refusal.ShouldNotBeNull().Message.ShouldContain("removes its failover recordings");
        ServerChangeRules.CanEdit(Acting, [episode], confirmed: false).Refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.ConfirmationRequired);
        ServerChangeRules.CanDisable(Acting, [episode], confirmed: false).Refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.ConfirmationRequired);
        ServerChangeRules.CanRemove(Acting, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanEdit(Acting, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanDisable(Acting, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
        ServerChangeRules.StoppedBy(Acting, [episode]).ShouldBe([episode]);
    }

    [Fact]
    public void Another_standby_of_the_group_is_not_held_up_by_the_failover()
    {
        var episode = _episodes.Active();

        ServerChangeRules.CanRemove(Idle, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanEdit(Idle, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void The_configuration_of_a_protected_recording_server_cannot_change_during_its_failover()
    {
        var refusal = ServerChangeRules.CanEdit(Original, [_episodes.Active()], confirmed: true).Refusal;

        refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.ProtectedDuringFailover);
        refusal.Message.ShouldBe("'rec-1' is protected by a failover now (taken over); its configuration cannot change until the failover ends.");
    }

    [Fact]
    public void A_protected_recording_server_is_removed_only_when_confirmed_and_may_be_disabled()
    {
        var episode = _episodes.Active();

        ServerChangeRules.CanRemove(Original, [episode], confirmed: false).Refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.ConfirmationRequired);
        ServerChangeRules.CanRemove(Original, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanDisable(Original, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Closed_episodes_hold_nothing_up()
    {
        var done = _episodes.Completed();

        ServerChangeRules.CanRemove(Original, [done], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanRemove(Acting, [done], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanEdit(Original, [done], confirmed: false).IsAllowed.ShouldBeTrue();
    }

    /// <summary>Standby A's takeover failed (it holds some footage); standby B took over and acts.</summary>
    private FailoverEpisode FailedAWhileBActs()
    {
        var assigning = _episodes.Accept(_episodes.TakingOver(), new TakeoverFailed("timed out"));
        var taking = _episodes.Accept(assigning, new StandbyChosen(EpisodeDriver.StandbyB, new Epoch(8)));
        return _episodes.Accept(taking, new TakeoverConfirmed(new Epoch(8)));
    }

    [Fact]
    public void Failed_standby_A_is_disabled_and_enabled_while_B_acts_without_confirmation_and_stops_nothing()
    {
        var episode = FailedAWhileBActs();

        ServerChangeRules.CanDisable(Acting, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanDisable(Acting with { Enabled = false }, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.StoppedBy(Acting, [episode]).ShouldBeEmpty();
    }

    [Fact]
    public void Failed_standby_A_is_renamed_while_B_acts_without_confirmation_and_stops_nothing()
    {
        var episode = FailedAWhileBActs();

        ServerChangeRules.CanEdit(Acting, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.StoppedBy(Acting with { Name = "sb-renamed" }, [episode]).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Failed_standby_A_cannot_be_deleted_while_B_acts_because_it_holds_outage_footage(bool confirmed)
    {
        var episode = FailedAWhileBActs();

        var refusal = ServerChangeRules.CanRemove(Acting, [episode], confirmed, id => id == Original.Id ? "Lobby" : "?").Refusal;

        refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.HoldsOutageFootage);
        refusal.Message.ShouldBe(
            "'sb-10' holds outage footage of Lobby that is not yet restored home; remove it once the restore is done, or stop the restoration first.");
    }

    [Fact]
    public void Acting_standby_B_still_needs_confirmation_and_stopping_it_stops_only_its_own_episode()
    {
        var episode = FailedAWhileBActs();
        var other = _episodes.Assigning() with { Id = new EpisodeId(2), RecordingServer = EpisodeDriver.OtherRecording };

        ServerChangeRules.CanDisable(Idle, [episode, other], confirmed: false).Refusal.ShouldNotBeNull().Rule
            .ShouldBe(ServerChangeRules.Rules.ConfirmationRequired);
        ServerChangeRules.CanRemove(Idle, [episode, other], confirmed: true).IsAllowed.ShouldBeTrue();
        ServerChangeRules.StoppedBy(Idle, [episode, other]).ShouldBe([episode]);
    }

    [Theory]
    [InlineData("restoring")]
    [InlineData("cleaning")]
    public void A_standby_whose_footage_is_being_restored_or_removed_can_be_edited_and_disabled_but_not_removed(string phase)
    {
        var episode = In(phase);

        ServerChangeRules.CanEdit(Acting, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanDisable(Acting, [episode], confirmed: false).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanRemove(Acting, [episode], confirmed: true).Refusal.ShouldNotBeNull().Rule
            .ShouldBe(ServerChangeRules.Rules.HoldsOutageFootage);
        ServerChangeRules.StoppedBy(Acting, [episode]).ShouldBeEmpty();
    }

    [Fact]
    public void Removing_a_protected_recording_server_stops_its_own_episode_only()
    {
        var episode = _episodes.Active();
        var other = episode with { Id = new EpisodeId(2), RecordingServer = EpisodeDriver.OtherRecording };

        ServerChangeRules.StoppedBy(Original, [episode, other]).ShouldBe([episode]);
    }

    [Fact]
    public void A_standby_acting_for_one_episode_and_holding_footage_of_another_cannot_be_removed()
    {
        var held = FailedAWhileBActs();
        var acting = _episodes.Active() with { Id = new EpisodeId(2), RecordingServer = EpisodeDriver.OtherRecording };

        ServerChangeRules.CanRemove(Acting, [held, acting], confirmed: true).Refusal.ShouldNotBeNull().Rule
            .ShouldBe(ServerChangeRules.Rules.HoldsOutageFootage);
        ServerChangeRules.StoppedBy(Acting, [held, acting]).ShouldBe([acting]);
    }
}

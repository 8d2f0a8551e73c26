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

    [Theory]
    [InlineData("active")]
    [InlineData("restoring")]
    [InlineData("cleaning")]
    public void A_protecting_standby_is_removed_edited_or_disabled_only_when_confirmed(string phase)
    {
        var episode = In(phase);

        ServerChangeRules.CanRemove(Acting, [episode], confirmed: false).Refusal.ShouldNotBeNull().Message.ShouldContain("removes its failover recordings");
        ServerChangeRules.CanEdit(Acting, [episode], confirmed: false).Refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.ConfirmationRequired);
        ServerChangeRules.CanDisable(Acting, [episode], confirmed: false).Refusal.ShouldNotBeNull().Rule.ShouldBe(ServerChangeRules.Rules.ConfirmationRequired);
        ServerChangeRules.CanRemove(Acting, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanEdit(Acting, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
        ServerChangeRules.CanDisable(Acting, [episode], confirmed: true).IsAllowed.ShouldBeTrue();
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
}

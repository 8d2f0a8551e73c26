using Vigil.Domain.Inventory;
using Vigil.Domain.Tests.Support;
using Vigil.Domain.Updates;

namespace Vigil.Domain.Tests.Updates;

public class UpdateSchedulingTests
{
    private static readonly GroupId G1 = Servers.Group1.Id;
    private static readonly GroupId G2 = Servers.Group2.Id;

    private static QueuedUpdate Recording(long id, GroupId? group, bool protectable = true, bool inFailover = false) =>
        new(id, new ServerId((int)id), ServerRole.Recording, group, inFailover, protectable);

    private static QueuedUpdate Standby(long id, GroupId? group, bool protecting = false) =>
        new(id, new ServerId((int)id), ServerRole.Standby, group, protecting, Protectable: false);

    private static IReadOnlyList<UpdateStart> Next(IEnumerable<QueuedUpdate> queued, GroupId[]? busyGroups = null, int[]? busyServers = null) =>
        UpdateScheduling.Next(queued, (busyGroups ?? []).ToHashSet(), (busyServers ?? []).Select(s => new ServerId(s)).ToHashSet());

    [Fact]
    public void One_server_per_group_at_a_time_and_groups_in_parallel() =>
        Next([Recording(1, G1), Recording(2, G1), Recording(3, G2)])
            .ShouldBe([new UpdateStart(1, UpdateRoute.Rolling), new UpdateStart(3, UpdateRoute.Rolling)]);

    [Fact]
    public void Nothing_starts_in_a_group_that_already_has_an_update_under_way() =>
        Next([Recording(2, G1), Recording(3, G2)], busyGroups: [G1]).ShouldBe([new UpdateStart(3, UpdateRoute.Rolling)]);

    [Fact]
    public void Standbys_go_first_so_recording_servers_roll_onto_updated_standbys() =>
        Next([Recording(1, G1), Standby(5, G1)]).ShouldBe([new UpdateStart(5, UpdateRoute.InPlace)]);

    [Fact]
    public void A_protecting_standby_and_a_server_in_a_failover_wait_and_say_why()
    {
        var protecting = Standby(5, G1, protecting: true);
        var takenOver = Recording(1, G2, inFailover: true);

        Next([protecting, takenOver]).ShouldBeEmpty();
        UpdateScheduling.WhyWaiting(protecting, new HashSet<GroupId>())!.ShouldContain("protecting");
        UpdateScheduling.WhyWaiting(takenOver, new HashSet<GroupId>())!.ShouldContain("in a failover");
        UpdateScheduling.WhyWaiting(Recording(2, G1), new HashSet<GroupId> { G1 })!.ShouldContain("another server of its group");
        UpdateScheduling.WhyWaiting(Recording(2, G1), new HashSet<GroupId>()).ShouldBeNull();
    }

    [Fact]
    public void A_recording_server_nobody_can_protect_is_updated_in_place() =>
        Next([Recording(1, G1, protectable: false)]).ShouldBe([new UpdateStart(1, UpdateRoute.InPlace)]);

    [Fact]
    public void Servers_without_a_group_do_not_hold_each_other_back_but_one_server_never_updates_twice() =>
        Next([Recording(1, null, protectable: false), Recording(2, null, protectable: false)], busyServers: [2])
            .ShouldBe([new UpdateStart(1, UpdateRoute.InPlace)]);

    [Fact]
    public void Step_codes_round_trip()
    {
        foreach (var step in Enum.GetValues<UpdateStep>())
        {
            UpdateSteps.Parse(step.Code()).ShouldBe(step);
        }

        UpdateStep.Done.IsFinal().ShouldBeTrue();
        UpdateStep.Updating.IsFinal().ShouldBeFalse();
        Should.Throw<ArgumentException>(() => UpdateSteps.Parse("nonsense"));
    }
}

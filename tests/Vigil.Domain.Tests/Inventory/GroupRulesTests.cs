using Vigil.Domain.Inventory;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests.Inventory;

public class GroupRulesTests
{
    private static readonly FailoverGroup[] TwoGroups = [Servers.Group1, Servers.Group2];

    [Fact]
    public void Default_group_cannot_be_deleted()
    {
        var refusal = GroupRules.CanDelete(Servers.Group1).Refusal!;

        refusal.Rule.ShouldBe(GroupRules.Rules.DefaultUndeletable);
        refusal.Message.ShouldContain("Failover Group 1");
    }

    [Fact]
    public void Default_group_is_known_by_its_flag_not_its_name()
    {
        GroupRules.CanDelete(Servers.Group1 with { Name = "Main site" }).IsAllowed.ShouldBeFalse();
        GroupRules.CanDelete(Servers.Group2 with { Name = FailoverGroup.DefaultName }).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void Other_groups_can_be_deleted() => GroupRules.CanDelete(Servers.Group2).IsAllowed.ShouldBeTrue();

    [Fact]
    public void Adds_a_group_with_a_new_name() => GroupRules.CanAdd("Lobby", TwoGroups, InventoryLimits.Default).IsAllowed.ShouldBeTrue();

    [Fact]
    public void Refuses_the_seventeenth_group_by_default()
    {
        var sixteen = Enumerable.Range(1, 16).Select(i => new FailoverGroup(new GroupId(i), $"G{i}", true, i == 1)).ToList();

        var refusal = GroupRules.CanAdd("G17", sixteen, InventoryLimits.Default).Refusal!;

        refusal.Rule.ShouldBe(GroupRules.Rules.GroupLimit);
        refusal.Message.ShouldContain("16");
    }

    [Fact]
    public void Group_limit_is_a_setting()
    {
        var sixteen = Enumerable.Range(1, 16).Select(i => new FailoverGroup(new GroupId(i), $"G{i}", true, i == 1)).ToList();

        GroupRules.CanAdd("G17", sixteen, new InventoryLimits(MaxGroups: 20)).IsAllowed.ShouldBeTrue();
        GroupRules.CanAdd("G3", TwoGroups, new InventoryLimits(MaxGroups: 2)).Refusal!.Rule.ShouldBe(GroupRules.Rules.GroupLimit);
    }

    [Theory]
    [InlineData("Warehouse")]
    [InlineData("warehouse")]
    [InlineData("FAILOVER GROUP 1")]
    public void Refuses_a_name_another_group_has_ignoring_case(string name) =>
        GroupRules.CanAdd(name, TwoGroups, InventoryLimits.Default).Refusal!.Rule.ShouldBe(GroupRules.Rules.NameDuplicate);

    [Theory]
    [InlineData(null, GroupRules.Rules.NameEmpty)]
    [InlineData("", GroupRules.Rules.NameEmpty)]
    [InlineData("   ", GroupRules.Rules.NameEmpty)]
    [InlineData(" Lobby", GroupRules.Rules.NameInvalid)]
    [InlineData("Lobby ", GroupRules.Rules.NameInvalid)]
    [InlineData("Lob\nby", GroupRules.Rules.NameInvalid)]
    public void Refuses_a_malformed_group_name(string? name, string rule) =>
        GroupRules.CanAdd(name, TwoGroups, InventoryLimits.Default).Refusal!.Rule.ShouldBe(rule);

    [Fact]
    public void Refuses_a_group_name_over_64_characters()
    {
        GroupRules.CanAdd(new string('g', 64), TwoGroups, InventoryLimits.Default).IsAllowed.ShouldBeTrue();
        GroupRules.CanAdd(new string('g', 65), TwoGroups, InventoryLimits.Default).Refusal!.Rule.ShouldBe(GroupRules.Rules.NameTooLong);
    }

    [Fact]
    public void Renaming_a_group_to_its_own_name_in_other_case_is_allowed() =>
        GroupRules.CanRename(Servers.Group2, "WAREHOUSE", TwoGroups).IsAllowed.ShouldBeTrue();

    [Fact]
    public void Renaming_a_group_to_another_groups_name_is_refused() =>
        GroupRules.CanRename(Servers.Group2, "failover group 1", TwoGroups).Refusal!.Rule.ShouldBe(GroupRules.Rules.NameDuplicate);

    [Fact]
    public void Default_group_can_be_renamed() =>
        GroupRules.CanRename(Servers.Group1, "Main site", TwoGroups).IsAllowed.ShouldBeTrue();

    [Fact]
    public void A_server_joins_a_group_with_room() =>
        GroupRules.CanAddServer("rec-1", null, Servers.Group1, 63, InventoryLimits.Default).IsAllowed.ShouldBeTrue();

    [Fact]
    public void Refuses_the_sixty_fifth_server_of_a_group_by_default()
    {
        var refusal = GroupRules.CanAddServer("rec-65", null, Servers.Group1, 64, InventoryLimits.Default).Refusal!;

        refusal.Rule.ShouldBe(GroupRules.Rules.ServerLimit);
        refusal.Message.ShouldContain("64");
    }

    [Fact]
    public void Servers_per_group_limit_is_a_setting() =>
        GroupRules.CanAddServer("rec", null, Servers.Group1, 8, new InventoryLimits(MaxServersPerGroup: 8)).Refusal!.Rule
            .ShouldBe(GroupRules.Rules.ServerLimit);

    [Fact]
    public void A_server_belongs_to_at_most_one_group()
    {
        var refusal = GroupRules.CanAddServer("rec-1", Servers.Group2, Servers.Group1, 0, InventoryLimits.Default).Refusal!;

        refusal.Rule.ShouldBe(GroupRules.Rules.ServerInOtherGroup);
        refusal.Message.ShouldContain("Warehouse");
    }

    [Fact]
    public void Adding_a_server_to_its_own_group_again_is_refused() =>
        GroupRules.CanAddServer("rec-1", Servers.Group1, Servers.Group1, 1, InventoryLimits.Default).Refusal!.Rule
            .ShouldBe(GroupRules.Rules.ServerAlreadyInGroup);

    [Theory]
    [InlineData(0, 64, "settings.max-groups")]
    [InlineData(16, 1, "settings.max-servers-per-group")]
    public void Limits_are_validated(int groups, int servers, string rule) =>
        new InventoryLimits(groups, servers).Validate().ShouldContain(r => r.Rule == rule);

    [Fact]
    public void Default_limits_are_qnaps() => InventoryLimits.Default.ShouldBe(new InventoryLimits(16, 64));
}

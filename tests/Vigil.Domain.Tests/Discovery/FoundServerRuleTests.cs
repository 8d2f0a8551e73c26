using Vigil.Domain.Discovery;

namespace Vigil.Domain.Tests.Discovery;

public class FoundServerRuleTests
{
    private static readonly Version Cms = new(1, 2, 3);
    private const string ThisCms = "cms-here";

    [Theory]
    [InlineData("1.2.3", FoundServerState.Available)]
    [InlineData("1.2.0", FoundServerState.Available)]
    [InlineData("1.1.9", FoundServerState.UpdateRequired)]
    [InlineData("1.2.4", FoundServerState.Incompatible)]
    [InlineData("2.0.0", FoundServerState.Incompatible)]
    public void A_standalone_server_is_judged_by_its_version(string agent, FoundServerState expected) =>
        FoundServerRule.Of(Version.Parse(agent), Cms, managedByAnyCms: false, managedByCmsId: null, ThisCms, inThisInventory: false).ShouldBe(expected);

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("2.0.0")]
    public void A_server_paired_by_another_cms_is_added_to_another_cms_whatever_its_version(string agent)
    {
        FoundServerRule.Of(Version.Parse(agent), Cms, true, "cms-elsewhere", ThisCms, false).ShouldBe(FoundServerState.AddedToAnotherCms);
        FoundServerRule.Of(Version.Parse(agent), Cms, true, null, ThisCms, false).ShouldBe(FoundServerState.AddedToAnotherCms,
            "an older CMS pairs without an id: it is still someone else's");
    }

    [Fact]
    public void A_server_paired_by_this_cms_or_in_its_inventory_is_already_added()
    {
        FoundServerRule.Of(Cms, Cms, true, ThisCms, ThisCms, false).ShouldBe(FoundServerState.AlreadyAdded);
        FoundServerRule.Of(Cms, Cms, false, null, ThisCms, true).ShouldBe(FoundServerState.AlreadyAdded);
        FoundServerRule.Of(new Version(9, 0, 0), Cms, true, ThisCms, ThisCms, false).ShouldBe(FoundServerState.AlreadyAdded);
    }

    [Fact]
    public void Words_and_codes_are_the_ones_operators_see()
    {
        var all = Enum.GetValues<FoundServerState>();
        all.Select(FoundServerRule.Code).ShouldBe(["available", "update_required", "incompatible", "added_to_another_cms", "already_added"]);
        all.Select(FoundServerRule.Label).ShouldBe(["available", "update required", "incompatible", "added to another CMS", "already added"]);
        all.Where(FoundServerRule.CanEnable).ShouldBe([FoundServerState.Available]);
    }
}

using Vigil.Domain.Versions;

namespace Vigil.Domain.Tests.Versions;

public class VersionCompatibilityTests
{
    private static readonly Version Cms = new(1, 2, 3);

    [Theory]
    [InlineData("1.2.0", AgentCompatibility.Compatible)]
    [InlineData("1.2.3", AgentCompatibility.Compatible)]
    [InlineData("1.2.4", AgentCompatibility.Incompatible)]
    [InlineData("1.1.9", AgentCompatibility.UpdateRequired)]
    [InlineData("0.9.9", AgentCompatibility.UpdateRequired)]
    [InlineData("1.3.0", AgentCompatibility.Incompatible)]
    [InlineData("2.0.0", AgentCompatibility.Incompatible)]
    public void An_agent_is_managed_on_the_cms_major_minor_with_a_patch_not_above_its_own(string agent, AgentCompatibility expected) =>
        VersionCompatibility.Of(Version.Parse(agent), Cms).ShouldBe(expected);

    [Fact]
    public void Each_problem_says_which_side_to_update()
    {
        VersionCompatibility.Problem(new Version(1, 1, 0), Cms)!.Message.ShouldContain("update the agent to 1.2.x");
        VersionCompatibility.Problem(new Version(1, 3, 0), Cms)!.Message.ShouldContain("update the CMS");
        VersionCompatibility.Problem(new Version(1, 2, 1), Cms).ShouldBeNull();
    }

    [Fact]
    public void Codes_are_the_api_strings()
    {
        VersionCompatibility.Code(AgentCompatibility.Compatible).ShouldBe("compatible");
        VersionCompatibility.Code(AgentCompatibility.UpdateRequired).ShouldBe("update_required");
        VersionCompatibility.Code(AgentCompatibility.Incompatible).ShouldBe("incompatible");
    }

    [Fact]
    public void An_update_moves_forward_to_a_version_the_cms_manages()
    {
        VersionCompatibility.UpdateRefusal(new Version(1, 2, 0), new Version(1, 2, 3), Cms).ShouldBeNull();
        VersionCompatibility.UpdateRefusal(new Version(1, 1, 0), new Version(1, 2, 0), Cms).ShouldBeNull();
        VersionCompatibility.UpdateRefusal(new Version(1, 2, 2), new Version(1, 2, 2), Cms)!.Rule.ShouldBe(VersionCompatibility.Rules.NotNewer);
        VersionCompatibility.UpdateRefusal(new Version(1, 2, 2), new Version(1, 2, 1), Cms)!.Rule.ShouldBe(VersionCompatibility.Rules.NotNewer);
        VersionCompatibility.UpdateRefusal(new Version(1, 2, 0), new Version(1, 2, 4), Cms)!.Rule.ShouldBe(VersionCompatibility.Rules.TargetIncompatible);
        VersionCompatibility.UpdateRefusal(new Version(1, 2, 0), new Version(1, 3, 0), Cms)!.Rule.ShouldBe(VersionCompatibility.Rules.TargetIncompatible);
    }

    [Fact]
    public void Versions_are_written_major_minor_patch() =>
        VersionCompatibility.Format(new Version(1, 2)).ShouldBe("1.2.0");
}

using Vigil.Domain.Inventory;
using Vigil.Domain.Tests.Support;
using Vigil.Domain.Versions;

namespace Vigil.Domain.Tests.Inventory;

public class StandbyEligibilityTests
{
    private static IReadOnlyList<Refusal> Check(AgentReport report, FailoverGroup? current = null, int[]? recording = null) =>
        StandbyEligibility.Check(report, current, Servers.Group1, recording ?? [8, 16], Servers.CmsVersion);

    [Fact]
    public void An_empty_server_with_enough_channels_and_a_current_agent_is_eligible() =>
        Check(Servers.Report(licenseChannels: 16)).ShouldBeEmpty();

    [Fact]
    public void Needs_an_empty_recording_space() =>
        Check(Servers.Report(emptySpace: false)).Single().Rule.ShouldBe(StandbyEligibility.Rules.NoEmptySpace);

    [Fact]
    public void One_empty_space_among_several_is_enough()
    {
        var report = Servers.Report() with
        {
            Spaces = [new RecordingSpace("/a", 100, 10, IsEmpty: false), new RecordingSpace("/b", 100, 90, IsEmpty: true)],
        };

        Check(report).ShouldBeEmpty();
    }

    [Fact]
    public void Needs_an_empty_camera_list()
    {
        var refusal = Check(Servers.Report(cameras: 2)).Single();

        refusal.Rule.ShouldBe(StandbyEligibility.Rules.HasCameras);
        refusal.Message.ShouldContain("2 camera");
    }

    [Fact]
    public void Must_not_be_in_another_group() =>
        Check(Servers.Report(), current: Servers.Group2).Single().Rule.ShouldBe(StandbyEligibility.Rules.InOtherGroup);

    [Fact]
    public void Being_in_the_target_group_already_is_fine() =>
        Check(Servers.Report(), current: Servers.Group1).ShouldBeEmpty();

    [Fact]
    public void Needs_at_least_the_license_channels_of_every_recording_server_in_the_group()
    {
        var refusal = Check(Servers.Report(licenseChannels: 12), recording: [8, 16, 4]).Single();

        refusal.Rule.ShouldBe(StandbyEligibility.Rules.TooFewLicenseChannels);
        refusal.Message.ShouldContain("at least 16");
        refusal.Message.ShouldContain("has 12");
    }

    [Fact]
    public void Equal_license_channels_are_enough() =>
        Check(Servers.Report(licenseChannels: 16), recording: [16]).ShouldBeEmpty();

    [Fact]
    public void Any_license_count_is_enough_in_a_group_without_recording_servers() =>
        Check(Servers.Report(licenseChannels: 0), recording: []).ShouldBeEmpty();

    [Fact]
    public void Agent_version_must_be_one_the_cms_manages()
    {
        Check(Servers.Report(version: new Version(1, 1, 9))).Single().Rule.ShouldBe(VersionCompatibility.Rules.UpdateRequired);
        Check(Servers.Report(version: new Version(1, 3, 0))).Single().Rule.ShouldBe(VersionCompatibility.Rules.Incompatible);
        Check(Servers.Report(version: new Version(1, 2, 0))).ShouldBeEmpty();
    }

    [Fact]
    public void Reports_every_unmet_condition_at_once()
    {
        var report = Servers.Report(licenseChannels: 4, cameras: 1, emptySpace: false, version: new Version(0, 9));

        Check(report, current: Servers.Group2).Select(r => r.Rule).ShouldBe(
        [
            StandbyEligibility.Rules.NoEmptySpace,
            StandbyEligibility.Rules.HasCameras,
            StandbyEligibility.Rules.InOtherGroup,
            StandbyEligibility.Rules.TooFewLicenseChannels,
            VersionCompatibility.Rules.UpdateRequired,
        ]);
    }
}

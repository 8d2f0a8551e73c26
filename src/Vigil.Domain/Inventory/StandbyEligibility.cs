using Vigil.Domain.Versions;

namespace Vigil.Domain.Inventory;

/// <summary>
/// Whether a server may be a standby of a group (docs/product-rules.md): at least one empty recording space,
/// an empty camera list, not in another group, license channels at least those of every recording
/// server of the group, an agent version the CMS manages (<see cref="VersionCompatibility"/>). Checked when a standby is added and
/// continuously after; every unmet condition is reported, not only the first.
/// </summary>
public static class StandbyEligibility
{
    public static class Rules
    {
        public const string NoEmptySpace = "standby.no-empty-space";
        public const string HasCameras = "standby.has-cameras";
        public const string InOtherGroup = "standby.in-other-group";
        public const string TooFewLicenseChannels = "standby.too-few-license-channels";
    }

    /// <param name="report">What the candidate's agent reports.</param>
    /// <param name="currentGroup">The group the candidate is in now, if any.</param>
    /// <param name="target">The group it would protect.</param>
    /// <param name="recordingLicenseChannels">License channels of each recording server in <paramref name="target"/>.</param>
    /// <param name="cmsVersion">The CMS's own version.</param>
    public static IReadOnlyList<Refusal> Check(
        AgentReport report,
        FailoverGroup? currentGroup,
        FailoverGroup target,
        IEnumerable<int> recordingLicenseChannels,
        Version cmsVersion)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(recordingLicenseChannels);
        ArgumentNullException.ThrowIfNull(cmsVersion);

        var refusals = new List<Refusal>();
        if (!report.HasEmptySpace)
        {
            refusals.Add(new Refusal(Rules.NoEmptySpace, "A standby needs at least one empty recording space."));
        }

        if (report.CameraCount > 0)
        {
            refusals.Add(new Refusal(Rules.HasCameras,
                $"A standby must have an empty camera list; this server has {report.CameraCount} camera(s)."));
        }

        if (currentGroup is not null && currentGroup.Id != target.Id)
        {
            refusals.Add(new Refusal(Rules.InOtherGroup, $"This server already belongs to '{currentGroup.Name}'."));
        }

        var needed = recordingLicenseChannels.DefaultIfEmpty(0).Max();
        if (report.LicenseChannels < needed)
        {
            refusals.Add(new Refusal(Rules.TooFewLicenseChannels,
                $"A standby of '{target.Name}' needs at least {needed} license channels (its largest recording server); this server has {report.LicenseChannels}."));
        }

        if (VersionCompatibility.Problem(report.AgentVersion, cmsVersion) is { } version)
        {
            refusals.Add(version);
        }

        return refusals;
    }
}

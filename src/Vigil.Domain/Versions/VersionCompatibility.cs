namespace Vigil.Domain.Versions;

/// <summary>How an agent's version stands against its CMS's.</summary>
public enum AgentCompatibility
{
    /// <summary>Same major.minor, patch not above the CMS's: managed, may protect and be protected.</summary>
    Compatible,

    /// <summary>An older major.minor: managed, but neither protects nor is protected until it is updated.</summary>
    UpdateRequired,

    /// <summary>Newer than the CMS (a higher major.minor, or the same with a higher patch): the CMS must be updated first.</summary>
    Incompatible,
}

/// <summary>
/// The version rule between a CMS and its agents (docs/product-rules.md, "Versions"): a CMS manages agents of its own
/// major.minor whose patch is not above its own. An agent of an older major.minor must be updated before it protects or
/// is protected; a newer agent is refused until the CMS is updated. An update may only move an agent forward, to a
/// version the CMS manages.
/// </summary>
public static class VersionCompatibility
{
    public static class Rules
    {
        public const string UpdateRequired = "agent.update-required";
        public const string Incompatible = "agent.incompatible";
        public const string NotNewer = "update.not-newer";
        public const string TargetIncompatible = "update.target-incompatible";
    }

    public static AgentCompatibility Of(Version agent, Version cms)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(cms);
        var agentLine = (agent.Major, agent.Minor);
        var cmsLine = (cms.Major, cms.Minor);
        if (agentLine == cmsLine)
        {
            return Patch(agent) <= Patch(cms) ? AgentCompatibility.Compatible : AgentCompatibility.Incompatible;
        }

        return agentLine.CompareTo(cmsLine) < 0 ? AgentCompatibility.UpdateRequired : AgentCompatibility.Incompatible;
    }

    /// <summary>The API and console code: <c>compatible</c>, <c>update_required</c> or <c>incompatible</c>.</summary>
    public static string Code(AgentCompatibility compatibility) => compatibility switch
    {
        AgentCompatibility.Compatible => "compatible",
        AgentCompatibility.UpdateRequired => "update_required",
        AgentCompatibility.Incompatible => "incompatible",
        _ => throw new ArgumentOutOfRangeException(nameof(compatibility), compatibility, "Unknown compatibility."),
    };

    /// <summary>Why an agent of <paramref name="agent"/> cannot work with this CMS, or null when it can.</summary>
    public static Refusal? Problem(Version agent, Version cms) => Of(agent, cms) switch
    {
        AgentCompatibility.UpdateRequired => new Refusal(Rules.UpdateRequired,
            $"Agent version {Format(agent)} is older than the CMS's {cms.Major}.{cms.Minor}; update the agent to {cms.Major}.{cms.Minor}.x first."),
        AgentCompatibility.Incompatible => new Refusal(Rules.Incompatible,
            $"Agent version {Format(agent)} is newer than the CMS's {Format(cms)}; update the CMS first."),
        _ => null,
    };

    /// <summary>Whether an agent of <paramref name="from"/> may be updated to <paramref name="to"/> under a CMS of <paramref name="cms"/>; null when it may.</summary>
    public static Refusal? UpdateRefusal(Version from, Version to, Version cms)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (Of(to, cms) != AgentCompatibility.Compatible)
        {
            return new Refusal(Rules.TargetIncompatible,
                $"Version {Format(to)} cannot be managed by this CMS ({Format(cms)}): an agent must have the CMS's major.minor and a patch not above its own.");
        }

        return Normalize(to) > Normalize(from)
            ? null
            : new Refusal(Rules.NotNewer, $"Version {Format(to)} is not newer than the agent's {Format(from)}; an update only moves forward.");
    }

    public static string Format(Version version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return $"{version.Major}.{version.Minor}.{Patch(version)}";
    }

    private static int Patch(Version version) => Math.Max(version.Build, 0);

    private static Version Normalize(Version version) => new(version.Major, version.Minor, Patch(version));
}

namespace Vigil.Domain.Planning;

/// <summary>Says in words why no standby of a group can take over a recording server.</summary>
public static class Coverage
{
    /// <summary>
    /// Null when some standby could take <paramref name="server"/> over; otherwise the unmet need,
    /// e.g. "no ready standby with ≥ 16 license channels".
    /// </summary>
    public static string? WhyUncovered(FailedServer server, IEnumerable<StandbyCandidate> standbys)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(standbys);

        var available = standbys.Where(s => s.Group == server.Group && s.IsAvailable).ToList();
        if (available.Count == 0)
        {
            return "no ready standby in the group";
        }

        var enoughChannels = available.Where(s => s.LicenseChannels >= server.LicenseChannels).ToList();
        if (enoughChannels.Count == 0)
        {
            return $"no ready standby with ≥ {server.LicenseChannels} license channels";
        }

        return enoughChannels.Any(s => s.FreeBytes >= server.RequiredFreeBytes)
            ? null
            : $"no ready standby with ≥ {server.LicenseChannels} license channels and ≥ {ByteSize.Format(server.RequiredFreeBytes)} free";
    }
}

using System.Globalization;

namespace Vigil.Domain.Drills;

/// <summary>One camera's figures: the standby's first segment after the drill began, and the original's own coverage.</summary>
/// <param name="StandbyGap">The standby's first segment start minus the drill's start: what a real failure then would have missed with instant detection; null when the standby recorded nothing.</param>
/// <param name="OwnLongestGap">The longest stretch the original's own segments left uncovered during the drill; null when it recorded nothing.</param>
public sealed record CameraDrillFigures(string Camera, TimeSpan? StandbyGap, TimeSpan? OwnLongestGap);

/// <summary>What a drill measured.</summary>
/// <param name="Takeover">From the drill's start to the failover being active; null if it never was.</param>
/// <param name="Restored">The failover ended completed with its footage restored.</param>
/// <param name="StandbyFilesHome">Of the standby's files the drill saw, how many the original holds with the same SHA-256.</param>
public sealed record DrillMeasurements(
    TimeSpan? Takeover, IReadOnlyList<CameraDrillFigures> Cameras, bool Restored, int StandbyFilesSeen, int StandbyFilesHome);

/// <summary>Pass or fail against the thresholds, with every reason for a fail.</summary>
public static class DrillVerdict
{
    public static (DrillState State, IReadOnlyList<string> Reasons) Judge(DrillMeasurements measured, DrillSettings settings)
    {
        ArgumentNullException.ThrowIfNull(measured);
        ArgumentNullException.ThrowIfNull(settings);
        var reasons = new List<string>();
        if (measured.Takeover is not { } takeover)
        {
            reasons.Add("the failover never became active");
        }
        else if (takeover > settings.MaxTakeover)
        {
            reasons.Add(Say($"takeover took {takeover.TotalSeconds:0.0} s (threshold {settings.MaxTakeover.TotalSeconds:0.#} s)"));
        }

        if (measured.Cameras.Count == 0)
        {
            reasons.Add("the server has no cameras to measure");
        }

        foreach (var camera in measured.Cameras)
        {
            if (camera.StandbyGap is not { } gap)
            {
                reasons.Add($"the standby recorded nothing of {camera.Camera}");
            }
            else if (gap > settings.MaxGap)
            {
                reasons.Add(Say($"{camera.Camera}: the standby's footage began {gap.TotalSeconds:0.0} s after the drill began (threshold {settings.MaxGap.TotalSeconds:0.#} s)"));
            }

            if (camera.OwnLongestGap is not { } own)
            {
                reasons.Add($"{camera.Camera}: the recording server recorded nothing of its own during the drill");
            }
            else if (own > settings.MaxGap)
            {
                reasons.Add(Say($"{camera.Camera}: the recording server's own footage has a {own.TotalSeconds:0.0} s gap (threshold {settings.MaxGap.TotalSeconds:0.#} s)"));
            }
        }

        if (!measured.Restored)
        {
            reasons.Add("the failover did not end with its footage restored");
        }

        if (measured.StandbyFilesHome < measured.StandbyFilesSeen)
        {
            reasons.Add($"{measured.StandbyFilesSeen - measured.StandbyFilesHome} of the standby's {measured.StandbyFilesSeen} files are not on the recording server with the same checksum");
        }

        return (reasons.Count == 0 ? DrillState.Passed : DrillState.Failed, reasons);
    }

    /// <summary>The longest stretch in [<paramref name="from"/>, <paramref name="to"/>] no span covers (the whole stretch when none does).</summary>
    public static TimeSpan LongestUncovered(IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> spans, DateTimeOffset from, DateTimeOffset to)
    {
        var longest = TimeSpan.Zero;
        var reached = from;
        foreach (var (start, end) in spans.Where(s => s.End > from && s.Start < to).OrderBy(s => s.Start))
        {
            if (start - reached > longest)
            {
                longest = start - reached;
            }

            if (end > reached)
            {
                reached = end;
            }
        }

        return to - reached > longest ? to - reached : longest;
    }

    private static string Say(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Vigil.Agent.Recording;

/// <summary>
/// Where one recorder run writes: a day folder (yyyy-MM-dd) and a file prefix (HHmmssfff) taken from the moment the
/// run began, so a segment found on disk after a crash still tells when the run that wrote it began; no segment of
/// that run can start earlier.
/// </summary>
public static class RecorderRunName
{
    private const string DayFormat = "yyyy-MM-dd";
    private const string PrefixFormat = "HHmmssfff";

    public static string Day(DateTimeOffset began) => began.UtcDateTime.ToString(DayFormat, CultureInfo.InvariantCulture);

    public static string Prefix(DateTimeOffset began) => began.UtcDateTime.ToString(PrefixFormat, CultureInfo.InvariantCulture);

    /// <summary>When the run that wrote <paramref name="segmentPath"/> began; null for a file not named by a run (a restored one).</summary>
    public static DateTimeOffset? Began(string segmentPath)
    {
        var day = Path.GetFileName(Path.GetDirectoryName(segmentPath));
        var name = Path.GetFileName(segmentPath);
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return day is not null && dash == PrefixFormat.Length
            && DateTime.TryParseExact($"{day} {name[..dash]}", $"{DayFormat} {PrefixFormat}", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var began)
            ? new DateTimeOffset(began, TimeSpan.Zero)
            : null;
    }
}

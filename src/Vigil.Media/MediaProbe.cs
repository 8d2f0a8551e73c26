using System.Globalization;

namespace Vigil.Media;

/// <summary>A media file's first timestamp and length, as ffprobe reads them.</summary>
public sealed record MediaTiming(double StartSeconds, double DurationSeconds);

public static class MediaProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>The timing of <paramref name="file"/>, or null if ffprobe cannot read it (an empty or broken file).</summary>
    public static async Task<MediaTiming?> TimingAsync(MediaTools tools, string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var result = await ProcessRunner.RunAsync(tools.Ffprobe, FfmpegArguments.ProbeTiming(file), Timeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return null;
        }

        var fields = result.StandardOutput.Trim().Split(',');
        return fields.Length == 2
            && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
            && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var duration)
            ? new MediaTiming(start, duration)
            : null;
    }
}

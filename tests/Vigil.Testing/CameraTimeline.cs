using Vigil.Media;

namespace Vigil.Testing;

/// <summary>
/// The camera time covered by segment files, read with ffprobe: the simulator stamps each frame with the
/// time it was made, and the recorder keeps those timestamps, so each file covers [start, start + duration).
/// </summary>
public sealed record CameraTimeline(IReadOnlyList<(string File, double Start, double End)> Segments)
{
    public static MediaTools Tools { get; } = MediaTools.Locate(Environment.GetEnvironmentVariable);

    public static async Task<CameraTimeline> ReadAsync(IEnumerable<string> files)
    {
        var segments = new List<(string, double, double)>();
        foreach (var file in files)
        {
            var timing = await MediaProbe.TimingAsync(Tools, file, CancellationToken.None)
                ?? throw new InvalidOperationException($"ffprobe cannot read {file}");
            segments.Add((file, timing.StartSeconds, timing.StartSeconds + timing.DurationSeconds));
        }

        return new CameraTimeline(segments.OrderBy(s => s.Item2).ToList());
    }

    public double Covered => Segments.Count == 0 ? 0 : Segments[^1].End - Segments[0].Start;

    /// <summary>The longest stretch of camera time between the first and last segment that no segment covers.</summary>
    public double LongestGap()
    {
        var gap = 0.0;
        var reached = Segments.Count == 0 ? 0 : Segments[0].End;
        foreach (var (_, start, end) in Segments.Skip(1))
        {
            gap = Math.Max(gap, start - reached);
            reached = Math.Max(reached, end);
        }

        return gap;
    }
}

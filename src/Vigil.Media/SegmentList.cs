using System.Globalization;

namespace Vigil.Media;

/// <summary>One finished segment as ffmpeg's CSV segment list records it (times in stream seconds).</summary>
public sealed record ListedSegment(string FileName, double StartSeconds, double EndSeconds)
{
    public TimeSpan Duration => TimeSpan.FromSeconds(Math.Max(0, EndSeconds - StartSeconds));
}

/// <summary>
/// Follows the CSV segment list ffmpeg appends to as each segment closes. Reads only whole lines, so a
/// line being written is picked up on the next call.
/// </summary>
public sealed class SegmentList(string path)
{
    private long _offset;

    public string Path { get; } = path;

    public IReadOnlyList<ListedSegment> ReadNew()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (stream.Length <= _offset)
        {
            return [];
        }

        stream.Seek(_offset, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - _offset];
        stream.ReadExactly(buffer);
        var complete = Array.LastIndexOf(buffer, (byte)'\n') + 1;
        _offset += complete;
        var text = System.Text.Encoding.UTF8.GetString(buffer, 0, complete);
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Parse).OfType<ListedSegment>().ToList();
    }

    public static ListedSegment? Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.TrimEnd('\r').Split(',');
        return fields.Length >= 3
            && double.TryParse(fields[^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var start)
            && double.TryParse(fields[^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var end)
            ? new ListedSegment(string.Join(',', fields[..^2]).Trim('"'), start, end)
            : null;
    }
}

namespace Vigil.Agent.Recording;

/// <summary>
/// Whether a recording has stopped growing: neither a new segment nor a byte more in the current one for a
/// whole limit. ffmpeg flushes every packet it receives, so a file that does not grow means a camera that sends nothing.
/// </summary>
public sealed class SilenceWatch(DateTimeOffset start)
{
    private (int Segments, long Length) _last = (0, -1);
    private DateTimeOffset _lastProgress = start;

    public bool Silent(int segments, long currentLength, DateTimeOffset now, TimeSpan limit)
    {
        if ((segments, currentLength) != _last)
        {
            _last = (segments, currentLength);
            _lastProgress = now;
            return false;
        }

        return now - _lastProgress >= limit;
    }
}

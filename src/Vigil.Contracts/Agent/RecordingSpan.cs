namespace Vigil.Contracts.Agent;

/// <summary>When a catalogued recording holds the footage of an asked one that has the same camera, kind and bytes.</summary>
public static class RecordingSpan
{
    /// <summary>
    /// True when the entry's span [<paramref name="start"/>, <paramref name="end"/>] overlaps the asked one, or both are
    /// the same instant (a snapshot, or a video catalogued without a span); always when the asking side names no span
    /// (an older CMS). Overlap, not equality: a restored file catalogued again after a crash takes its span from the
    /// file's time and its length, a little off the standby's. Segments that only touch do not overlap: a camera showing
    /// an unchanging picture records the same bytes for one segment after another, and each is its own footage.
    /// </summary>
    public static bool Holds(DateTimeOffset start, DateTimeOffset end, DateTimeOffset? askedStart, DateTimeOffset? askedEnd)
    {
        if (askedStart is not { } from || askedEnd is not { } to)
        {
            return true;
        }

        return (start < to && end > from) || (start == from && end == to);
    }
}

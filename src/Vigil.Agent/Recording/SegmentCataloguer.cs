using System.Security.Cryptography;
using Vigil.Agent.Metrics;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Media;

namespace Vigil.Agent.Recording;

/// <summary>
/// Puts a finished segment or snapshot into the catalog: size, SHA-256, and its wall-clock span. A
/// segment ends when its last packet was written (flushed packet by packet, so its modification time)
/// and starts its duration earlier, but never before the end of the segment it follows: the duration counts
/// the last frame's display time and network jitter moves arrival times, so without that bound two consecutive
/// segments could overlap by a fraction of a frame. Spans are the agent's clock, whatever the camera's
/// timestamps say: an RTSP camera's RTP clock starts anywhere and may run fast or slow. Nor does a segment start
/// before the recorder's run began: the first segment of an RTSP run over UDP, with audio, has been probed as
/// long as the camera's uptime (its streams' clocks are aligned only when the camera's first sender report
/// arrives), and taken at its word it claimed the whole outage before the run as recorded.
/// </summary>
public sealed class SegmentCataloguer(RecordingCatalog catalog, MediaTools tools, RecordingMetrics metrics)
{
    /// <summary>Catalogs <paramref name="fullPath"/>; null (and an empty file deleted) when it holds no video.</summary>
    /// <param name="follows">The end of the segment this one follows in the same recording, if any.</param>
    /// <param name="notBefore">When the recorder's run that wrote it began, if known: the earliest it can start.</param>
    public async Task<CatalogEntry?> AddVideoAsync(
        string owner, string camera, string space, string fullPath, double? durationSeconds, CancellationToken cancellationToken,
        DateTimeOffset? follows = null, DateTimeOffset? notBefore = null)
    {
        var file = new FileInfo(fullPath);
        if (!file.Exists)
        {
            return null;
        }

        if (file.Length < Media.TsPacket.Size)
        {
            file.Delete();
            return null;
        }

        var duration = durationSeconds ?? (await MediaProbe.TimingAsync(tools, fullPath, cancellationToken).ConfigureAwait(false))?.DurationSeconds;
        if (duration is null)
        {
            return null;
        }

        var end = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        var start = end - TimeSpan.FromSeconds(duration.Value);
        if (notBefore is { } runBegan && runBegan > start && runBegan <= end)
        {
            start = runBegan;
        }

        if (follows is { } previous && previous > start && previous < end)
        {
            start = previous;
        }

        return await AddAsync(owner, camera, RecordingKind.Video, space, file, start, end, cancellationToken).ConfigureAwait(false);
    }

    public Task<CatalogEntry> AddSnapshotAsync(string owner, string camera, string space, string fullPath, CancellationToken cancellationToken)
    {
        var file = new FileInfo(fullPath);
        var at = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        return AddAsync(owner, camera, RecordingKind.Snapshot, space, file, at, at, cancellationToken);
    }

    /// <summary>Catalogs a video ffprobe cannot read as it is: its bytes still belong to a restore, its span is unknown.</summary>
    public Task<CatalogEntry> AddUnreadableVideoAsync(string owner, string camera, string space, string fullPath, CancellationToken cancellationToken)
    {
        var file = new FileInfo(fullPath);
        var at = new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        return AddAsync(owner, camera, RecordingKind.Video, space, file, at, at, cancellationToken);
    }

    private async Task<CatalogEntry> AddAsync(
        string owner, string camera, RecordingKind kind, string space, FileInfo file, DateTimeOffset start, DateTimeOffset end,
        CancellationToken cancellationToken)
    {
        string sha;
        var stream = file.OpenRead();
        await using (stream.ConfigureAwait(false))
        {
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }

        var relative = Path.GetRelativePath(space, file.FullName);
        var entry = catalog.Add(new CatalogEntry(0, owner, camera, kind, start, end, file.Length, sha, space, relative));
        if (kind == RecordingKind.Video)
        {
            metrics.SegmentCatalogued(owner, camera, file.Length);
        }

        return entry;
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Recording;
using Vigil.Agent.Security;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Media;

namespace Vigil.Agent.Api;

/// <summary>
/// The catalog a page at a time, downloads with HTTP range requests (resumable), and snapshots on request. The bearer of a
/// footage grant (a recording server fetching its footage home) lists and downloads only the footage of its grant's takeover.
/// </summary>
internal static class RecordingEndpoints
{
    private static readonly TimeSpan SnapshotTimeout = TimeSpan.FromSeconds(20);

    public static void Map(RouteGroupBuilder secured, RouteGroupBuilder readable)
    {
        readable.MapGet(AgentRoutes.Recordings, List);
        readable.MapGet(AgentRoutes.Recordings + "/{id:long}/content", Download);
        secured.MapPost(AgentRoutes.Snapshots + "/{owner}/{camera}", SnapshotAsync);
    }

    /// <summary>One page of the catalog; the first page (no <c>after</c>) also counts everything the filter matches.</summary>
    private static IResult List(
        string? owner, string? camera, DateTimeOffset? from, DateTimeOffset? to, long? after, int? limit, ClaimsPrincipal user, RecordingCatalog catalog)
    {
        if (AgentAuthentication.GrantedKey(user) is { } granted && owner != granted)
        {
            return Problems.Refuse("recordings.not-granted", $"This grant reads the footage of '{granted}' only; ask with owner={granted}.", StatusCodes.Status403Forbidden);
        }

        if (from is not null && to is not null && to < from)
        {
            return Problems.Refuse("recordings.invalid-range", "'to' is before 'from'.");
        }

        if (limit is < 1 or > RecordingList.MaxPageSize || after is < 0)
        {
            return Problems.Refuse("recordings.invalid-page", $"'limit' is from 1 to {RecordingList.MaxPageSize}, 'after' a catalog id from an earlier page.");
        }

        var size = limit ?? RecordingList.DefaultPageSize;
        var page = catalog.Page(owner, camera, from, to, after ?? 0, size);
        var totals = after is null ? catalog.Count(owner, camera, from, to) : null;
        return Results.Ok(new RecordingList(page.Select(e => e.ToContract()).ToList(), page.Count == size ? page[^1].Id : null, totals));
    }

    private static IResult Download(long id, ClaimsPrincipal user, RecordingCatalog catalog, RecordingSpaces spaces)
    {
        var entry = catalog.Find(id);

        // Another owner's recording is as absent to a grant as one that does not exist: the grant learns nothing of it.
        if (entry is null || !File.Exists(entry.FullPath) || (AgentAuthentication.GrantedKey(user) is { } granted && entry.Owner != granted))
        {
            return Problems.NotFound("recording.not-found", $"There is no recording {id}.");
        }

        if (!spaces.Contains(entry.FullPath))
        {
            return Problems.NotFound("recording.not-found", $"Recording {id} is not in a recording space of this server.");
        }

        var type = entry.Kind == RecordingKind.Snapshot ? "image/jpeg" : "video/mp2t";
        return Results.File(entry.FullPath, type, Path.GetFileName(entry.RelativePath), enableRangeProcessing: true);
    }

    private static async Task<IResult> SnapshotAsync(
        string owner, string camera, HttpResponse response, CameraStore cameras, TakeoverStore takeovers, RecordingSpaces spaces,
        SegmentCataloguer cataloguer, SnapshotLimiter limiter, MediaTools tools, TimeProvider time, CancellationToken cancellationToken)
    {
        using var slot = limiter.TryEnter();
        if (slot is null)
        {
            response.Headers.RetryAfter = "1";
            return Problems.Refuse("snapshot.too-many",
                $"This server takes at most {SnapshotLimiter.MaxConcurrent} snapshots at a time; try again in a moment.", StatusCodes.Status429TooManyRequests);
        }

        var config = cameras.Find(owner, camera);
        var space = owner == AgentRoutes.OwnRecordings ? spaces.OwnSpace() : takeovers.Find(owner)?.Space;
        if (config is null || space is null)
        {
            return Problems.NotFound("camera.not-found", $"There is no camera '{camera}' recorded for '{owner}' on this server.");
        }

        var folder = Path.Combine(space, RecordingTarget.Folder(owner, camera), "snapshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{time.GetUtcNow():yyyyMMdd'T'HHmmssfff'Z'}.jpg");
        var stream = CameraSource.Parse(config.StreamUrl, out _);
        var arguments = FfmpegArguments.Snapshot(stream?.Address ?? config.StreamUrl, file, stream?.Transport ?? "tcp");
        var result = await ProcessRunner.RunAsync(tools.Ffmpeg, arguments, SnapshotTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded || !File.Exists(file))
        {
            return Problems.Refuse("snapshot.camera-unreachable", $"Could not take a snapshot of '{camera}': {StreamUrlMask.Mask(result.StandardError.Trim())}",
                StatusCodes.Status502BadGateway);
        }

        var entry = await cataloguer.AddSnapshotAsync(owner, camera, space, file, cancellationToken).ConfigureAwait(false);
        return Results.Ok(entry.ToContract());
    }
}

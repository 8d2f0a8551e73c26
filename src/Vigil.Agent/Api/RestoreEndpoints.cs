using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Restore;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>
/// How footage recorded by a standby during an outage comes home to this server (see <see cref="RestoredFiles"/> for how it
/// is kept): the CMS asks what is home already, then either has this server fetch it straight from the standby (a pull,
/// see <see cref="FootagePuller"/>) or, when this server cannot reach the standby, sends the bytes itself (a PUT).
/// </summary>
internal static class RestoreEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        secured.MapPut(AgentRoutes.RestoredRecordings, ReceiveAsync);
        secured.MapPost(AgentRoutes.RestoredRecordingsCheck, Check);
        secured.MapPost(AgentRoutes.RestoredRecordingsPull, FootagePuller.PullAsync);
    }

    private static IResult Check(RestoreCheck? check, RestoredFiles files)
    {
        if (check?.Recordings is null || check.Recordings.Count > RecordingList.MaxPageSize
            || check.Recordings.Any(r => r is null || !AgentValidation.IsIdentifier(r.CameraId) || !AgentValidation.IsSha256(r.Sha256)))
        {
            return Problems.Refuse("restore.invalid-check",
                $"A restore check lists at most {RecordingList.MaxPageSize} recordings, each by camera, kind and SHA-256.");
        }

        return Results.Ok(new RestoreCheckResult(files.Held(check.Recordings)));
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, string? camera, RecordingKind? kind, long? start, long? end, long? bytes, string? sha256, string? folder,
        string? file, long? offset, RestoredFiles files, CancellationToken cancellationToken)
    {
        var from = offset ?? 0;
        var recording = kind is null || start is null || end is null || bytes is null ? null : new RestoredRecording(
            camera!, kind.Value, DateTimeOffset.FromUnixTimeMilliseconds(start.Value), DateTimeOffset.FromUnixTimeMilliseconds(end.Value), bytes.Value,
            sha256!, folder!, file!);
        if (RestoredFiles.Invalid(recording, from) is { } invalid)
        {
            return Problems.Refuse("restore.invalid-request", invalid);
        }

        // A segment can be larger than Kestrel's default body limit; the announced size and the checksum guard what is kept.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        return (await files.ReceiveAsync(request.HttpContext, recording!, from, request.Body, cancellationToken).ConfigureAwait(false)).ToResult();
    }
}

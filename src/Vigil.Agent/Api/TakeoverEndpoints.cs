using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Recording;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>
/// Recording for protected servers. Every command carries an epoch; one lower than the highest this
/// agent has accepted is refused (<see cref="EpochGate"/>), so a delayed or replayed command never undoes a newer one.
/// </summary>
internal static class TakeoverEndpoints
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(8);

    public static void Map(RouteGroupBuilder secured)
    {
        secured.MapGet(AgentRoutes.Takeovers, (TakeoverStore takeovers, RecorderSupervisor recorders) =>
            takeovers.List().Select(t => Describe(t, recorders)));
        secured.MapPut(AgentRoutes.Takeovers + "/{server}", TakeOverAsync);
        secured.MapDelete(AgentRoutes.Takeovers + "/{server}", ReleaseAsync);
        secured.MapDelete(AgentRoutes.Takeovers + "/{server}/recordings", DeleteRecordingsAsync);
    }

    private static async Task<IResult> TakeOverAsync(
        string server, TakeoverRequest? request, EpochGate gate, TakeoverStore takeovers, CameraStore cameras,
        RecordingSpaces spaces, RecordingCatalog catalog, RecorderSupervisor recorders, TimeProvider time)
    {
        if (!AgentValidation.IsIdentifier(server))
        {
            return InvalidServer(server);
        }

        if (request is null || request.Cameras is null || string.IsNullOrWhiteSpace(request.ProtectedServerName))
        {
            return Problems.Refuse("takeover.invalid-request", "A takeover needs an epoch, the protected server's name and its cameras.");
        }

        foreach (var camera in request.Cameras)
        {
            if (AgentValidation.Check(camera) is { } broken)
            {
                return Problems.Refuse(broken.Rule, $"Camera '{camera?.Id}': {broken.Message}");
            }
        }

        if (request.Cameras.Select(c => c.Id).Distinct(StringComparer.Ordinal).Count() != request.Cameras.Count)
        {
            return Problems.Refuse("camera.duplicate-id", "The takeover lists a camera id twice.");
        }

        return await gate.RunAsync(request.Epoch, () =>
        {
            var existing = takeovers.Find(server);
            // A server taken over again (it failed during the restore) goes on in the space that holds its footage.
            var space = existing?.Space ?? catalog.SpaceOf(server) ?? spaces.ChooseEmptySpace();
            if (space is null)
            {
                return Problems.Refuse("takeover.no-empty-space", "This server has no empty recording space to record a protected server into.",
                    StatusCodes.Status507InsufficientStorage);
            }

            takeovers.Put(new Takeover(server, request.ProtectedServerName, request.Epoch, space, existing?.Since ?? time.GetUtcNow()));
            cameras.Replace(server, request.Cameras);
            recorders.Changed();
            return Results.Ok(Describe(takeovers.Find(server)!, recorders));
        }).ConfigureAwait(false);
    }

    /// <summary>Answers once the protected server's recorders have stopped, so its last segment is catalogued before anyone copies or deletes it.</summary>
    private static async Task<IResult> ReleaseAsync(
        string server, long? epoch, EpochGate gate, TakeoverStore takeovers, RecorderSupervisor recorders, CancellationToken cancellationToken)
    {
        var result = await gate.RunAsync(epoch, () =>
        {
            if (takeovers.Find(server) is not null)
            {
                takeovers.Remove(server);
                recorders.Changed();
            }

            return Results.NoContent();
        }).ConfigureAwait(false);
        if (result is IStatusCodeHttpResult { StatusCode: < 300 } && !await recorders.WaitStoppedAsync(server, StopTimeout, cancellationToken).ConfigureAwait(false))
        {
            return Problems.Refuse("takeover.still-stopping", $"The recorders for '{server}' did not stop within {StopTimeout.TotalSeconds:0} s.",
                StatusCodes.Status503ServiceUnavailable);
        }

        return result;
    }

    private static async Task<IResult> DeleteRecordingsAsync(
        string server, long? epoch, EpochGate gate, TakeoverStore takeovers, RecordingCatalog catalog, RecordingSpaces spaces,
        RecorderSupervisor recorders)
    {
        if (!AgentValidation.IsIdentifier(server))
        {
            return InvalidServer(server);
        }

        return await gate.RunAsync(epoch, () =>
        {
            if (takeovers.Find(server) is not null)
            {
                return Problems.Conflict("takeover.still-recording", $"This server still records for '{server}'; release the takeover first.");
            }

            if (recorders.Recorders.Any(r => r.Target.Owner == server))
            {
                return Problems.Conflict("takeover.still-stopping", $"The recorders for '{server}' are still stopping; try again in a moment.");
            }

            var entries = catalog.List(server, null, null, null);
            foreach (var entry in entries)
            {
                File.Delete(entry.FullPath);
                catalog.Remove(entry.Id);
            }

            foreach (var space in spaces.Paths)
            {
                var folder = Path.Combine(space, RecordingTarget.OwnerFolder(server));
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }

            return Results.Ok(new { deleted = entries.Count });
        }).ConfigureAwait(false);
    }

    private static IResult InvalidServer(string server) =>
        Problems.Refuse("takeover.invalid-server", $"'{server}' is not a valid server key (letters, digits, '.', '_', '-').");

    private static TakeoverStatus Describe(Takeover takeover, RecorderSupervisor recorders) =>
        new(takeover.Server, takeover.ServerName, takeover.Epoch, takeover.Space, takeover.Since,
            recorders.Recorders.Where(r => r.Target.Owner == takeover.Server).Select(r => r.Health).ToList());
}

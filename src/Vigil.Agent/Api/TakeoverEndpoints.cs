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
    }

    private static async Task<IResult> TakeOverAsync(
        string server, TakeoverRequest? request, EpochGate gate, TakeoverStore takeovers, CameraStore cameras,
        RecordingSpaces spaces, RecordingCatalog catalog, RecorderSupervisor recorders, AgentIdentity identity, TimeProvider time)
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
            if (takeovers.FencedEpoch(server) is { } fenced && request.Epoch <= fenced)
            {
                return Problems.Conflict("takeover.stale-epoch",
                    $"'{server}' was released here under epoch {fenced} before its takeover under epoch {request.Epoch} arrived.");
            }

            // A standby covers only servers with no more channels than its license (docs/product-rules.md), so one
            // takeover never needs more recorders than that; a request for more is refused rather than run ffmpeg unbounded.
            if (request.Cameras.Count > identity.LicenseChannels)
            {
                takeovers.RememberRefused(server, request.Epoch);
                return Problems.Refuse("takeover.over-license",
                    $"The takeover lists {request.Cameras.Count} cameras; this server is licensed for {identity.LicenseChannels} channels.");
            }

            var existing = takeovers.Find(server);
            // A server taken over again (it failed during the restore) goes on in the space that holds its footage.
            var space = existing?.Space ?? catalog.SpaceOf(server) ?? spaces.ChooseEmptySpace();
            if (space is null)
            {
                takeovers.RememberRefused(server, request.Epoch);
                return Problems.Refuse("takeover.no-empty-space", "This server has no empty recording space to record a protected server into.",
                    StatusCodes.Status507InsufficientStorage);
            }

            takeovers.Put(new Takeover(server, request.ProtectedServerName, request.Epoch, space, existing?.Since ?? time.GetUtcNow()));
            cameras.Replace(server, request.Cameras);
            recorders.Changed();
            return Results.Ok(Describe(takeovers.Find(server)!, recorders));
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Answers once the protected server's recorders have stopped and every file they left is catalogued
    /// (<see cref="FootageSweep"/>), so a restore that copies what the catalog lists copies it all.
    /// </summary>
    private static async Task<IResult> ReleaseAsync(
        string server, long? epoch, HttpContext context, EpochGate gate, TakeoverStore takeovers, RecordingCatalog catalog,
        RecorderSupervisor recorders, FootageSweep sweep, AuditLog audit, CancellationToken cancellationToken)
    {
        var result = await gate.RunAsync(epoch, () =>
        {
            if (!IsKnown(server, takeovers, catalog))
            {
                if (AgentValidation.IsIdentifier(server))
                {
                    takeovers.Fence(server, epoch!.Value);
                }

                return UnknownTakeover(server);
            }

            if (takeovers.Find(server) is not null)
            {
                takeovers.Remove(server);
                recorders.Changed();
                audit.Record(context, "takeover.release", $"takeover '{server}' released at epoch {epoch}");
            }

            return Results.NoContent();
        }).ConfigureAwait(false);
        if (result is IStatusCodeHttpResult { StatusCode: < 300 } && !await recorders.WaitStoppedAsync(server, StopTimeout, cancellationToken).ConfigureAwait(false))
        {
            return Problems.Refuse("takeover.still-stopping", $"The recorders for '{server}' did not stop within {StopTimeout.TotalSeconds:0} s.",
                StatusCodes.Status503ServiceUnavailable);
        }

        if (result is IStatusCodeHttpResult { StatusCode: < 300 } && AgentValidation.IsIdentifier(server))
        {
            // Under the gate, so a takeover of the same server cannot start recording into the folders being swept.
            await gate.RunExclusiveAsync(() => takeovers.Find(server) is null
                ? sweep.RunAsync(server, cancellationToken)
                : Task.CompletedTask).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>
    /// Whether the key names a takeover this agent was sent under a current epoch (running, released, or refused)
    /// or footage it holds. Commands
    /// for any other key are refused without obeying their epoch: a credential holder cannot raise the highest
    /// epoch with made-up keys and so fence the real CMS out.
    /// </summary>
    internal static bool IsKnown(string server, TakeoverStore takeovers, RecordingCatalog catalog) =>
        AgentValidation.IsIdentifier(server) && (takeovers.IsKnown(server) || catalog.SpaceOf(server) is not null);

    internal static IResult UnknownTakeover(string server) =>
        Problems.NotFound("takeover.not-found", $"This server never took over '{server}' and holds no footage for it.");

    internal static IResult InvalidServer(string server) =>
        Problems.Refuse("takeover.invalid-server", $"'{server}' is not a valid server key (letters, digits, '.', '_', '-').");

    private static TakeoverStatus Describe(Takeover takeover, RecorderSupervisor recorders) =>
        new(takeover.Server, takeover.ServerName, takeover.Epoch, takeover.Space, takeover.Since,
            recorders.Recorders.Where(r => r.Target.Owner == takeover.Server).Select(r => r.Health).ToList());
}

using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

/// <summary>Manual failover and failback, restore progress and stop, replace, and the event log.</summary>
internal static class FailoverEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        // Failover actions are for operators and administrators; viewers only watch.
        var changes = secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Operate);
        secured.MapGet(CmsRoutes.Failovers, ([FromQuery] int? server, FailoverViews views, CancellationToken ct) => views.OpenAsync(server, ct))
            .WithSummary("Lists the failovers now open.");
        secured.MapGet(CmsRoutes.Events, ([FromQuery] int? server, [FromQuery] string? kind, [FromQuery] int? limit, [FromQuery] long? before,
                FailoverViews views, CancellationToken ct) => views.EventsAsync(new EventQuery(server, kind, limit, before), ct))
            .WithSummary("Lists transitions, health changes and operator actions, newest first, a page at a time.");
        changes.MapPost(CmsRoutes.Servers + "/{id:int}/failover", async (int id, ClaimsPrincipal user, FailoverCommands commands, FailoverViews views, CancellationToken ct) =>
        {
            await commands.FailOverNowAsync(id, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Accepted(CmsRoutes.ServerRestore(id), await views.LatestAsync(id, ct).ConfigureAwait(false));
        }).WithSummary("Fails a recording server over now; it waits for a manual failback.");
        changes.MapPost(CmsRoutes.Servers + "/{id:int}/failback", async (int id, ClaimsPrincipal user, FailoverCommands commands, FailoverViews views, CancellationToken ct) =>
        {
            await commands.FailBackAsync(id, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Accepted(CmsRoutes.ServerRestore(id), await views.LatestAsync(id, ct).ConfigureAwait(false));
        }).WithSummary("Hands the cameras back to the recording server now (make before break).");
        secured.MapGet(CmsRoutes.Servers + "/{id:int}/restore", (int id, FailoverViews views, CancellationToken ct) => views.LatestAsync(id, ct))
            .WithSummary("The server's open (else latest) failover, with restore progress.");
        changes.MapDelete(CmsRoutes.Servers + "/{id:int}/restore", async (int id, [FromQuery] bool? confirm, ClaimsPrincipal user, FailoverCommands commands, FailoverViews views, CancellationToken ct) =>
        {
            await commands.StopRestorationAsync(id, confirm == true, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Ok(await views.LatestAsync(id, ct).ConfigureAwait(false));
        }).WithSummary("Stops the restoration; what is left on the standby is removed (confirm=true).");
        changes.MapPost(CmsRoutes.Servers + "/{id:int}/replace", async (int id, ReplaceRequest request, ClaimsPrincipal user, FailoverCommands commands, FailoverViews views, CancellationToken ct) =>
        {
            await commands.ReplaceAsync(id, request.WithServerId, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Ok(await views.LatestAsync(request.WithServerId, ct).ConfigureAwait(false));
        }).WithSummary("Replaces the protected server during its failover, with the acting standby or another recording server.");
        changes.MapDelete(CmsRoutes.Servers + "/{id:int}/protection-failure", async (int id, ClaimsPrincipal user, FailoverCommands commands, CancellationToken ct) =>
        {
            await commands.ClearProtectionFailureAsync(id, Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Clears a standby's failed takeover.");
    }
}

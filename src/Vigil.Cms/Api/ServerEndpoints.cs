using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

internal static class ServerEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        // Adding, editing, enabling and removing servers is for administrators.
        var changes = secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer);
        secured.MapGet(CmsRoutes.Servers, (string? status, string? role, int? group, ServerViews views, CancellationToken ct) =>
            views.ListAsync(status, ParseRole(role), group, ct)).WithSummary("Lists servers with their status; filters by status, role and group id.");
        secured.MapGet(CmsRoutes.Servers + "/{id:int}", (int id, ServerViews views, CancellationToken ct) => ViewAsync(id, views, ct));
        changes.MapPost(CmsRoutes.Servers, async (AddServerRequest request, ClaimsPrincipal user, ServerAdmission admission, ServerViews views, CancellationToken ct) =>
        {
            var id = await admission.AddAsync(request, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Created(CmsRoutes.Server(id), await ViewAsync(id, views, ct).ConfigureAwait(false));
        }).WithSummary("Adds a server: reaches its agent with the admin password, checks the rules, pairs, pins its certificate.");
        changes.MapPost(CmsRoutes.ServerTest, (TestConnectionRequest request, ServerAdmission admission, CancellationToken ct) =>
            admission.TestAsync(request, ct)).WithSummary("Reaches an agent without adding it; with a role and group, says whether it could join.");
        changes.MapPost(CmsRoutes.ServerBatch, (BatchAddRequest request, ClaimsPrincipal user, ServerAdmission admission, CancellationToken ct) =>
            admission.BatchAsync(request, Caller.From(user), ct)).WithSummary("Previews or adds several servers named by a naming rule; all or nothing.");
        changes.MapPatch(CmsRoutes.Servers + "/{id:int}", async (int id, EditServerRequest request, [FromQuery] bool? confirm, ClaimsPrincipal user, ServerService servers, ServerViews views, CancellationToken ct) =>
        {
            await servers.EditAsync(id, request, confirm == true, Caller.From(user), ct).ConfigureAwait(false);
            return await ViewAsync(id, views, ct).ConfigureAwait(false);
        }).WithSummary("Edits name, address, password (pairs again) or group of a server.");
        changes.MapPut(CmsRoutes.Servers + "/{id:int}/enabled", async (int id, EnabledRequest request, [FromQuery] bool? confirm, ClaimsPrincipal user, ServerService servers, ServerViews views, CancellationToken ct) =>
        {
            await servers.SetEnabledAsync(id, request.Enabled, confirm == true, Caller.From(user), ct).ConfigureAwait(false);
            return await ViewAsync(id, views, ct).ConfigureAwait(false);
        }).WithSummary("Enables or disables a server in its group.");
        changes.MapDelete(CmsRoutes.Servers + "/{id:int}", async (int id, [FromQuery] bool? confirm, ClaimsPrincipal user, ServerService servers, CancellationToken ct) =>
        {
            await servers.DeleteAsync(id, Caller.From(user), confirm == true, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Deletes a server; a standby, or a server in a failover, needs the first admin's re-authentication.");
        secured.MapGet(CmsRoutes.Status, (ServerViews views, CancellationToken ct) => views.SummaryAsync(ct))
            .WithSummary("Counts servers in each status, per role.");
    }

    private static ServerRoleName? ParseRole(string? role) => role switch
    {
        null => null,
        AgentInventory.RecordingRole => ServerRoleName.Recording,
        AgentInventory.StandbyRole => ServerRoleName.Standby,
        _ => throw new RefusedException("server.unknown-role", $"'{role}' is not a role; use recording or standby."),
    };

    private static async Task<ServerView> ViewAsync(int id, ServerViews views, CancellationToken ct) =>
        await views.FindAsync(id, ct).ConfigureAwait(false)
        ?? throw new RefusedException(ServerService.Rules.NotFound, $"There is no server with id {id}.", StatusCodes.Status404NotFound);
}

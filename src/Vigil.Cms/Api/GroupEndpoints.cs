using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

internal static class GroupEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        // Changing groups is for administrators.
        var changes = secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer);
        secured.MapGet(CmsRoutes.Groups, (GroupService groups, CancellationToken ct) => groups.ListAsync(ct)).WithSummary("Lists the failover groups.");
        secured.MapGet(CmsRoutes.Groups + "/{id:int}", (int id, GroupService groups, CancellationToken ct) => groups.GetAsync(id, ct));
        changes.MapPost(CmsRoutes.Groups, async (GroupRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken ct) =>
        {
            var group = await groups.AddAsync(request, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Created(CmsRoutes.Group(group.Id), group);
        }).WithSummary("Adds a failover group (protection on).");
        changes.MapPut(CmsRoutes.Groups + "/{id:int}", (int id, GroupRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken ct) =>
            groups.RenameAsync(id, request, Caller.From(user), ct)).WithSummary("Renames a group.");
        changes.MapPut(CmsRoutes.Groups + "/{id:int}/protection", (int id, ProtectionRequest request, ClaimsPrincipal user, GroupService groups, CancellationToken ct) =>
            groups.SetProtectionAsync(id, request.Enabled, Caller.From(user), ct)).WithSummary("Turns failover protection of a group on or off.");
        changes.MapDelete(CmsRoutes.Groups + "/{id:int}", async (int id, [FromQuery] bool? confirm, ClaimsPrincipal user, GroupService groups, CancellationToken ct) =>
        {
            await groups.DeleteAsync(id, Caller.From(user), confirm == true, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Deletes a group (not the default one); needs the first admin's re-authentication.");
    }
}

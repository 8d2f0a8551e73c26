using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

/// <summary>User administration, for administrators only (the user list included: it is who can do what).</summary>
internal static class UserEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        var users = secured.MapGroup(CmsRoutes.Users).RequireAuthorization(CmsPolicies.Administer);
        users.MapGet(string.Empty, (UserAdministration admin, CancellationToken ct) => admin.ListAsync(ct)).WithSummary("Lists the users and their roles.");
        users.MapPost(string.Empty, async (AddUserRequest request, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
        {
            var added = await admin.AddAsync(request, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Created(CmsRoutes.User(added.Id), added);
        }).WithSummary("Adds a user with a role (administrator, operator, viewer) and a password of at least 8 characters.");
        users.MapPut("/{id:int}/role", (int id, UserRoleRequest request, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
            admin.SetRoleAsync(id, request, Caller.From(user), ct)).WithSummary("Changes a user's role (not the first admin's); it applies to their next request.");
        users.MapPut("/{id:int}/password", async (int id, PasswordResetRequest request, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
        {
            await admin.ResetPasswordAsync(id, request, Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Sets another user's password (not the first admin's) and ends their sessions.");
        users.MapDelete("/{id:int}", async (int id, ClaimsPrincipal user, UserAdministration admin, CancellationToken ct) =>
        {
            await admin.DeleteAsync(id, Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Deletes a user (not the first admin) and ends their sessions.");
    }
}

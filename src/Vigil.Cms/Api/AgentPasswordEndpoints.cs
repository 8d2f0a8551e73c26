using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

internal static class AgentPasswordEndpoints
{
    public static RouteHandlerBuilder Map(RouteGroupBuilder secured) =>
        secured.MapPut(CmsRoutes.AgentPassword("{id:int}"), async (int id, AgentPasswordChange change, ClaimsPrincipal user, AgentPasswords passwords, CancellationToken ct) =>
        {
            await passwords.ChangeAsync(id, change, Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Changes a server's agent admin password; the agent's older credentials end and the CMS pairs again.");
}

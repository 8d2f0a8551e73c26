using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;

namespace Vigil.Cms.Security;

/// <summary>
/// A signed-in caller whose role does not allow the endpoint gets a 403 problem naming the rule and the
/// roles that may, instead of the framework's bare 403; everything else is the framework's own handling.
/// </summary>
internal sealed class RoleRefusal : IAuthorizationMiddlewareResultHandler
{
    public const string Rule = "auth.role-forbidden";

    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        var roles = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<RolesAuthorizationRequirement>().FirstOrDefault();
        if (authorizeResult.Forbidden && roles is not null)
        {
            var role = context.User.FindFirstValue(ClaimTypes.Role) ?? "none";
            await Results.Problem(
                detail: $"This needs the role {string.Join(" or ", roles.AllowedRoles)}; your role is {role}. An administrator can change it.",
                statusCode: StatusCodes.Status403Forbidden,
                title: "Not allowed for your role",
                type: $"urn:vigil:problem:{Rule}",
                extensions: new Dictionary<string, object?> { ["rule"] = Rule }).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

internal static class AuthEndpoints
{
    public const string LoginLimit = "login";

    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder secured)
    {
        app.MapGet(CmsRoutes.Live, () => Results.Ok(new { status = "live" })).WithSummary("Answers while the CMS runs (no authentication).");
        app.MapPost(CmsRoutes.Login, (LoginRequest request, Sessions sessions, CancellationToken ct) => sessions.LoginAsync(request, ct))
            .RequireRateLimiting(LoginLimit)
            .WithSummary("Signs in and returns a bearer token.");
        secured.MapDelete(CmsRoutes.Login, async (ClaimsPrincipal user, Sessions sessions, CancellationToken ct) =>
        {
            await sessions.LogoutAsync(Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Ends the caller's session.");
        secured.MapPost(CmsRoutes.Reauthenticate, (ReauthenticationRequest request, ClaimsPrincipal user, Sessions sessions, CancellationToken ct) =>
                sessions.ReauthenticateAsync(Caller.From(user), request, ct))
            .RequireRateLimiting(LoginLimit)
            .WithSummary("The first admin confirms, for a few minutes, removing standbys and deleting groups in this session.");
    }
}

using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Leadership;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Api;

internal static class AuthEndpoints
{
    public const string LoginLimit = "login";

    public const string TooManyTriesRule = "auth.too-many-tries";

    /// <summary>A refused try says when to try again, as a problem like every other refusal, not an empty 429.</summary>
    public static async ValueTask RefuseTooManyTriesAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rejected);
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? Math.Max(1, (int)Math.Ceiling(after.TotalSeconds)) : 60;
        var context = rejected.HttpContext;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Refuse(TooManyTriesRule, $"Too many sign-in or re-authentication tries from this address; try again in {seconds} s.",
            StatusCodes.Status429TooManyRequests).ExecuteAsync(context).ConfigureAwait(false);
    }

    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder secured)
    {
        app.MapGet(CmsRoutes.Live, () => Results.Ok(new { status = "live" })).WithSummary("Answers while the CMS runs (no authentication).");
        app.MapGet(CmsRoutes.LiveLeader, (HostLeadership leadership) => leadership.IsActing
                ? Results.Ok(new { status = "leader" })
                : Results.Json(new { status = "standby" }, statusCode: StatusCodes.Status503ServiceUnavailable))
            .WithSummary("200 on the leading CMS host, 503 on a standby (no authentication): a load balancer's health check.");
        app.MapPost(CmsRoutes.Login, (LoginRequest request, Sessions sessions, CancellationToken ct) => sessions.LoginAsync(request, ct))
            .RequireRateLimiting(LoginLimit)
            .WithSummary("Signs in and returns a bearer token.");
        secured.MapDelete(CmsRoutes.Login, async (ClaimsPrincipal user, Sessions sessions, CancellationToken ct) =>
        {
            await sessions.LogoutAsync(Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Ends the caller's session (any role).");
        secured.MapPut(CmsRoutes.Password, async (PasswordChangeRequest request, ClaimsPrincipal user, HttpContext context, Sessions sessions, CancellationToken ct) =>
        {
            var login = await sessions.ChangePasswordAsync(Caller.From(user), request, ct).ConfigureAwait(false);

            // The console goes on in its new session; a script reads the new token from the answer.
            if (SessionCookie.Read(context.Request) is not null)
            {
                SessionCookie.Write(context, login.Token, login.ExpiresAt);
            }

            return login;
        }).RequireRateLimiting(LoginLimit)
            .WithSummary("Changes the caller's own password (any role): every session of theirs ends; the answer is a new session.");
        secured.MapPost(CmsRoutes.Reauthenticate, (ReauthenticationRequest request, ClaimsPrincipal user, Sessions sessions, CancellationToken ct) =>
                sessions.ReauthenticateAsync(Caller.From(user), request, ct))
            .RequireAuthorization(CmsPolicies.Operate)
            .RequireRateLimiting(LoginLimit)
            .WithSummary("The first admin confirms, for a few minutes, actions in this session that stop a failover or discard footage.");
    }
}

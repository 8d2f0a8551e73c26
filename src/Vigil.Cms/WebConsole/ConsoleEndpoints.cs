using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.FileProviders;
using Vigil.Cms.Api;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.WebConsole;

/// <summary>
/// The web console, served by the CMS itself: its pages (every one but the sign-in page requires a
/// session), its scripts and styles (embedded in this assembly, public: they hold no data), the
/// cookie sign-in, and the live stream the dashboard draws from.
/// </summary>
internal static class ConsoleEndpoints
{
    public const string LoginPage = "/login";
    public const string AssetPath = "/console";

    /// <summary>The console's own pages; each is the same document, which draws the page its address names.</summary>
    public static IReadOnlyList<string> Pages { get; } = ["/", "/events", "/drills", "/alerts", "/settings", "/users"];

    // Scripts and styles come only from the CMS itself; nothing inline, nothing from elsewhere, no framing.
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private static readonly ManifestEmbeddedFileProvider Assets = new(typeof(ConsoleEndpoints).Assembly, "WebConsole/wwwroot");

    public static void UseConsoleAssets(this WebApplication app) => app.UseStaticFiles(new StaticFileOptions
    {
        FileProvider = Assets,
        RequestPath = AssetPath,
        OnPrepareResponse = context =>
        {
            // Revalidated on every load (ETag), so a CMS upgrade never leaves an old script in a browser.
            context.Context.Response.Headers.CacheControl = "no-cache";
            context.Context.Response.Headers.XContentTypeOptions = "nosniff";
        },
    });

    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder secured)
    {
        foreach (var page in Pages)
        {
            app.MapGet(page, async (HttpContext context) =>
            {
                var signedIn = await context.AuthenticateAsync(CmsAuthentication.SchemeName).ConfigureAwait(false);
                return signedIn.Succeeded ? Page("index.html") : Results.Redirect(LoginPage);
            }).ExcludeFromDescription();
        }

        app.MapGet(LoginPage, () => Page("login.html")).ExcludeFromDescription();

        app.MapPost(CmsRoutes.ConsoleSession, async (LoginRequest request, HttpContext context, Sessions sessions, CancellationToken ct) =>
        {
            if (!SessionCookie.MayProceed(context.Request))
            {
                throw new RefusedException("auth.console-header-required", $"The console signs in with the {CmsRoutes.ConsoleHeader} header.", StatusCodes.Status403Forbidden);
            }

            var login = await sessions.LoginAsync(request, ct).ConfigureAwait(false);
            SessionCookie.Write(context, login.Token, login.ExpiresAt);
            return new ConsoleSessionView(login.User, login.IsFirstAdmin, login.ExpiresAt, login.Role);
        }).RequireRateLimiting(AuthEndpoints.LoginLimit).WithSummary("Signs the web console in: the session token goes into an HttpOnly cookie.");
        secured.MapGet(CmsRoutes.ConsoleSession, (ClaimsPrincipal user, Sessions sessions, CancellationToken ct) =>
            sessions.DescribeAsync(Caller.From(user), ct)).WithSummary("Who the console is signed in as.");
        secured.MapDelete(CmsRoutes.ConsoleSession, async (ClaimsPrincipal user, HttpContext context, Sessions sessions, CancellationToken ct) =>
        {
            await sessions.LogoutAsync(Caller.From(user), ct).ConfigureAwait(false);
            SessionCookie.Clear(context);
            return Results.NoContent();
        }).WithSummary("Signs the web console out (any role).");

        secured.MapGet(CmsRoutes.Updates, (ClaimsPrincipal user, LiveUpdates updates, CancellationToken ct) =>
                TypedResults.ServerSentEvents(updates.StreamAsync(Caller.From(user), ct), LiveUpdates.EventName))
            .WithSummary("A server-sent event stream of the dashboard's state (servers, statuses, counts, failovers), sent whenever it changes.");
    }

    private static PageResult Page(string file) => new(Assets.GetFileInfo(file));

    /// <summary>A console page: never cached (it depends on the session), never framed, scripts from the CMS only.</summary>
    private sealed class PageResult(IFileInfo page) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var headers = httpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            await using var content = page.CreateReadStream();
            await content.CopyToAsync(httpContext.Response.Body, httpContext.RequestAborted).ConfigureAwait(false);
        }
    }
}

using Microsoft.AspNetCore.Http;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Security;

/// <summary>
/// The web console's session: the same opaque token as a bearer token, kept in an HttpOnly cookie that
/// scripts cannot read. Changes made with it must also carry <see cref="CmsRoutes.ConsoleHeader"/>, which a
/// page of another site cannot send without the CMS allowing it (it never does), so the cookie alone
/// never authorises a change. Over https the cookie is Secure and carries the <c>__Host-</c> prefix, so the
/// browser never sends it over plain http nor lets another host (a sibling subdomain) set it; over plain http
/// (loopback, a lab) browsers refuse both, so it keeps its plain name there.
/// </summary>
internal static class SessionCookie
{
    public const string Name = "vigil_session";
    public const string SecureName = "__Host-" + Name;

    public static string NameFor(HttpRequest request) => request.IsHttps ? SecureName : Name;

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(NameFor(request), out var token) && !string.IsNullOrEmpty(token) ? token : null;

    public static void Write(HttpContext context, string token, DateTimeOffset expires) =>
        context.Response.Cookies.Append(NameFor(context.Request), token, Options(context, expires));

    public static void Clear(HttpContext context) => context.Response.Cookies.Delete(NameFor(context.Request), Options(context, null));

    /// <summary>True when a request signed in by cookie may go on: reads always, changes only with the console's header.</summary>
    public static bool MayProceed(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || request.Headers.ContainsKey(CmsRoutes.ConsoleHeader);

    private static CookieOptions Options(HttpContext context, DateTimeOffset? expires) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = context.Request.IsHttps,
        Path = "/",
        Expires = expires,
        IsEssential = true,
    };
}

using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vigil.Cms.Security;

/// <summary>
/// Accepts a token from a live session, as <c>Authorization: Bearer TOKEN</c> (scripts, the admin client)
/// or as the web console's <see cref="SessionCookie"/>.
/// </summary>
internal sealed class CmsAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "VigilCms";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = BearerToken();
        if (token is null)
        {
            token = SessionCookie.Read(Request);
            if (token is null)
            {
                return AuthenticateResult.NoResult();
            }

            if (!SessionCookie.MayProceed(Request))
            {
                return AuthenticateResult.Fail($"A change signed in by the console's cookie must carry the {Contracts.Cms.CmsRoutes.ConsoleHeader} header.");
            }
        }

        var sessions = Context.RequestServices.GetRequiredService<Sessions>();
        var caller = await sessions.AuthenticateAsync(token, Context.RequestAborted).ConfigureAwait(false);
        return caller is null
            ? AuthenticateResult.Fail("The token is not valid or has expired.")
            : AuthenticateResult.Success(new AuthenticationTicket(caller.ToPrincipal(SchemeName), SchemeName));
    }

    private string? BearerToken() =>
        AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
        && string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
        && !string.IsNullOrEmpty(header.Parameter)
            ? header.Parameter
            : null;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"vigil cms\"";
        return base.HandleChallengeAsync(properties);
    }
}

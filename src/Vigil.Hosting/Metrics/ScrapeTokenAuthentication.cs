using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Vigil.Hosting.Metrics;

/// <summary>
/// Recognises the <see cref="ScrapeToken"/>. It is a scheme of its own, never the default one, so the token
/// authenticates only where a policy names this scheme: <c>/metrics</c>, and no other endpoint.
/// </summary>
public sealed class ScrapeTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ScrapeToken token) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "VigilScrape";

    public const string Caller = "metrics-scraper";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!token.IsConfigured
            || !AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header)
            || !string.Equals(header.Scheme, "Bearer", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(header.Parameter)
            || !token.Matches(header.Parameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, Caller)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vigil.Agent.Storage;
using Vigil.Hosting;

namespace Vigil.Agent.Security;

/// <summary>
/// Who may call the agent: a CMS with the credential it was given at pairing (<c>Authorization: Bearer</c>),
/// or a person with the admin password (<c>Authorization: Basic</c>, user <c>admin</c>). A wrong password
/// counts against the caller's address (<see cref="PasswordAttemptThrottling"/>). Both manage the agent. A bearer token of a
/// <see cref="FootageGrants">footage grant</see> the CMS gave (the recording server fetching its footage home) only reads
/// that takeover's footage: it carries no <see cref="ManagerRole"/>, which every other endpoint requires.
/// </summary>
public sealed class AgentAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialStore credentials,
    FootageGrants grants,
    AgentSettings settings,
    FailureThrottle throttle) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Vigil";

    /// <summary>The caller's name when the admin password was given.</summary>
    public const string AdminCaller = "admin";

    /// <summary>How the caller's name begins when a paired CMS's credential was given.</summary>
    public const string CmsCallerPrefix = "cms:";

    /// <summary>The role of a caller that manages the agent: the CMS or the admin.</summary>
    public const string ManagerRole = "manager";

    /// <summary>The claim of a footage grant's bearer: the takeover key whose footage it may read.</summary>
    public const string GrantClaim = "vigil:footage-grant";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || string.IsNullOrEmpty(header.Parameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var manager = header.Scheme.ToUpperInvariant() switch
        {
            "BEARER" => credentials.Holder(header.Parameter) is { } cms ? CmsCallerPrefix + cms : null,
            "BASIC" => IsAdmin(header.Parameter) ? AdminCaller : null,
            _ => null,
        };
        if (manager is not null)
        {
            return Task.FromResult(Success([new Claim(ClaimTypes.Name, manager), new Claim(ClaimTypes.Role, ManagerRole)]));
        }

        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) && grants.KeyOf(header.Parameter) is { } key)
        {
            return Task.FromResult(Success([new Claim(ClaimTypes.Name, $"grant:{key}"), new Claim(GrantClaim, key)]));
        }

        if (header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            throttle.RecordFailure(Context.Connection.RemoteIpAddress);
        }

        return Task.FromResult(AuthenticateResult.Fail("The credential or password is not valid."));
    }

    /// <summary>The takeover key whose footage the caller may read through a grant; null for a manager.</summary>
    public static string? GrantedKey(ClaimsPrincipal user) => user?.FindFirst(GrantClaim)?.Value;

    private static AuthenticateResult Success(Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"vigil agent\"";
        return base.HandleChallengeAsync(properties);
    }

    private bool IsAdmin(string encoded)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        var hash = settings.Get(AgentSettings.AdminPasswordHash);
        return colon > 0 && decoded[..colon] == "admin" && hash is not null && PasswordHashing.Verify(hash, decoded[(colon + 1)..]);
    }
}

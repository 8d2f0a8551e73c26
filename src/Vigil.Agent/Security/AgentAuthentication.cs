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
/// counts against the caller's address (<see cref="PasswordAttemptThrottling"/>).
/// </summary>
public sealed class AgentAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    CredentialStore credentials,
    AgentSettings settings,
    FailureThrottle throttle) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Vigil";

    /// <summary>The caller's name when the admin password was given.</summary>
    public const string AdminCaller = "admin";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!AuthenticationHeaderValue.TryParse(Request.Headers.Authorization, out var header) || string.IsNullOrEmpty(header.Parameter))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var caller = header.Scheme.ToUpperInvariant() switch
        {
            "BEARER" => credentials.Holder(header.Parameter) is { } cms ? $"cms:{cms}" : null,
            "BASIC" => IsAdmin(header.Parameter) ? AdminCaller : null,
            _ => null,
        };
        if (caller is null && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            throttle.RecordFailure(Context.Connection.RemoteIpAddress);
        }

        return Task.FromResult(caller is null
            ? AuthenticateResult.Fail("The credential or password is not valid.")
            : AuthenticateResult.Success(new AuthenticationTicket(
                new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, caller)], SchemeName)), SchemeName)));
    }

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

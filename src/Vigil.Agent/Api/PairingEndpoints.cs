using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Security;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>
/// Who may call the agent: pairing (the admin password traded for a CMS credential), revoking a credential,
/// and changing the admin password, which ends every credential.
/// </summary>
internal static class PairingEndpoints
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 1024;

    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder secured)
    {
        app.MapPost(AgentRoutes.Pairing, Pair);
        secured.MapDelete(AgentRoutes.Pairing, Revoke);
        secured.MapPut(AgentRoutes.AdminPassword, ChangeAdminPassword);
    }

    private static IResult Pair(
        PairingRequest? request, HttpContext context, AgentSettings settings, CredentialStore credentials, AgentIdentity identity,
        FailureThrottle throttle, AuditLog audit, LeaderTermFence leaders)
    {
        if (PasswordAttemptThrottling.Refusal(context) is { } refused)
        {
            return refused;
        }

        if (request is null || string.IsNullOrWhiteSpace(request.CmsName) || request.CmsName.Length > 128 || request.CmsId is { Length: 0 or > 128 })
        {
            return Problems.Refuse("pairing.invalid-request",
                "Pairing needs the agent's admin password, a CMS name of at most 128 characters and, if given, a CMS id of 1 to 128.");
        }

        var hash = settings.Get(AgentSettings.AdminPasswordHash);
        if (hash is null || string.IsNullOrEmpty(request.Password) || request.Password.Length > MaxPasswordLength
            || !PasswordHashing.Verify(hash, request.Password))
        {
            throttle.RecordFailure(context.Connection.RemoteIpAddress);
            return Problems.Refuse("pairing.wrong-password", "The agent's admin password is not correct.", StatusCodes.Status401Unauthorized);
        }

        var credential = credentials.Issue(request.CmsName, request.CmsId);

        // The CMS pairing now counts its leader terms and epochs from its own start: one whose database came from a backup,
        // or another CMS, is not held to the terms and epochs of the one before it. What the one before recorded is safe
        // all the same: its footage keys name its own leader terms, and its credential (same CMS id) has just been replaced.
        leaders.Reset();
        settings.Set(AgentSettings.HighestEpoch, "0");
        audit.Record($"{AgentAuthentication.AdminCaller} from {context.Connection.RemoteIpAddress}", "credential.issue",
            $"to '{request.CmsName}'" + (request.CmsId is null ? string.Empty : $" (CMS id {request.CmsId}, replacing its earlier credentials)"));
        return Results.Ok(new PairingResponse(credential, identity.Serial, identity.CertificateFingerprint));
    }

    /// <summary>A CMS gives its own credential up (it forgets the server); the next call with it is refused.</summary>
    private static IResult Revoke(HttpContext context, CredentialStore credentials, AuditLog audit)
    {
        if (!AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header)
            || !header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(header.Parameter))
        {
            return Problems.Refuse("pairing.credential-required",
                "Revoking ends the credential the request is made with; call it with the CMS's credential (Bearer), not the password.");
        }

        if (!credentials.Revoke(header.Parameter))
        {
            return Problems.NotFound("pairing.not-found", "The credential is not known (revoked already).");
        }

        audit.Record(context, "credential.revoke", "the caller's own credential");
        return Results.NoContent();
    }

    /// <summary>Only with the current admin password: a CMS credential does not let its holder take the server over.</summary>
    private static IResult ChangeAdminPassword(
        AdminPasswordChange? change, HttpContext context, AgentSettings settings, CredentialStore credentials, AuditLog audit)
    {
        if (context.User.Identity?.Name != AgentAuthentication.AdminCaller)
        {
            return Problems.Refuse("admin-password.admin-required", "Only the current admin password (Basic) can change the admin password.",
                StatusCodes.Status403Forbidden);
        }

        if (change?.NewPassword is not { Length: >= MinPasswordLength and <= MaxPasswordLength })
        {
            return Problems.Refuse("admin-password.invalid",
                $"The new admin password is {MinPasswordLength} to {MaxPasswordLength} characters.");
        }

        settings.Set(AgentSettings.AdminPasswordHash, PasswordHashing.Hash(change.NewPassword));
        var revoked = credentials.RevokeAll();
        audit.Record(context, "admin-password.change", $"{revoked} CMS credential(s) revoked; every CMS must pair again");
        return Results.NoContent();
    }
}

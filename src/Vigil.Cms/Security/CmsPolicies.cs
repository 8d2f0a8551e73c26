using Microsoft.AspNetCore.Authorization;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Security;

/// <summary>
/// Who may call what, by the role claim of the caller's session. Every API endpoint sits in a group that
/// requires <see cref="Read"/>; a change also names <see cref="Operate"/> or <see cref="Administer"/>. The only
/// changes left to every role are a user's own: signing out and changing their password.
/// </summary>
internal static class CmsPolicies
{
    /// <summary>Any role: every GET, the live stream, the console, and the caller's own session and password.</summary>
    public const string Read = "read";

    /// <summary>Operators and administrators: the failover actions, and the first admin's re-authentication they may need.</summary>
    public const string Operate = "operate";

    /// <summary>Administrators: servers, groups, settings and users.</summary>
    public const string Administer = "administer";

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(Read, p => p.RequireAuthenticatedUser().RequireRole(UserRoles.All));
        options.AddPolicy(Operate, p => p.RequireAuthenticatedUser().RequireRole(UserRoles.Administrator, UserRoles.Operator));
        options.AddPolicy(Administer, p => p.RequireAuthenticatedUser().RequireRole(UserRoles.Administrator));
    }
}

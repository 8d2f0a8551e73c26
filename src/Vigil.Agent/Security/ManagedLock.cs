using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Agent.Storage;
using Vigil.Hosting;

namespace Vigil.Agent.Security;

/// <summary>
/// While a CMS manages the agent, the changes that CMS owns (cameras, takeovers, their footage, licenses) are refused to
/// the admin password: a technician's local edit would otherwise be undone, or worse, contradict what the CMS hands a
/// standby at failover. The CMS's own credential is not affected; reading and the admin password change (the way to cut
/// a CMS off) stay open.
/// </summary>
public static class ManagedLock
{
    public const string Rule = "agent.managed-by-cms";

    /// <summary>Refuses a change (any method but GET) made with the admin password while a CMS holds a credential.</summary>
    public static TBuilder LockedWhileManaged<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!HttpMethods.IsGet(http.Request.Method)
                && http.User.Identity?.Name == AgentAuthentication.AdminCaller
                && http.RequestServices.GetService(typeof(CredentialStore)) is CredentialStore credentials
                && credentials.Manager() is { } cms)
            {
                return Problems.Conflict(Rule,
                    $"This server is managed by the CMS '{cms.Name}'{(cms.Id is null ? string.Empty : $" (id {cms.Id})")}: change it there, "
                    + "or delete it from that CMS first. The admin password cannot change what the CMS manages.");
            }

            return await next(context).ConfigureAwait(false);
        });
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>The audit trail: what destructive calls the agent obeyed, newest first.</summary>
internal static class AuditEndpoints
{
    private const int DefaultLimit = 100;

    public static void Map(RouteGroupBuilder secured) =>
        secured.MapGet(AgentRoutes.Audit, (int? limit, AuditLog audit) => limit is < 1 or > AuditLog.MaxListed
            ? Problems.Refuse("audit.invalid-limit", $"The limit is 1 to {AuditLog.MaxListed} entries.")
            : Results.Ok(new AuditList(audit.Newest(limit ?? DefaultLimit))));

    /// <summary>Notes a call the agent obeyed, with the caller's name from its ticket and its address.</summary>
    public static void Record(this AuditLog audit, HttpContext context, string action, string detail)
    {
        ArgumentNullException.ThrowIfNull(audit);
        audit.Record(Caller(context), action, detail);
    }

    /// <summary>Who made a call, as the audit trail names them: the name from their ticket and their address.</summary>
    public static string Caller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return $"{context.User.Identity?.Name ?? "anonymous"} from {context.Connection.RemoteIpAddress}";
    }
}

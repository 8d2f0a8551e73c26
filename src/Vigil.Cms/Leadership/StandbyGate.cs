using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Contracts.Cms;
using Vigil.Hosting.Metrics;

namespace Vigil.Cms.Leadership;

/// <summary>
/// A standby host answers itself only what does not depend on leading: whether it runs, the sign-ins, who leads, its
/// metrics. Everything else it forwards to the leader (<see cref="LeaderForwarder"/>), because the health of servers,
/// the failover engine's progress and the settings it acts on live in the leader's memory: a standby's copy would be
/// stale, and a change it made itself would not wake the leader's loops. When no leader can be reached (none leads
/// yet, this host is on its way out, the leader does not answer) it answers 503 naming the leader, with Retry-After,
/// so a client given several CMS addresses moves on.
/// </summary>
internal static class StandbyGate
{
    private static readonly string[] Open = [CmsRoutes.Live, CmsRoutes.LiveLeader, CmsRoutes.Login, CmsRoutes.ConsoleSession, CmsRoutes.Hosts, MetricsEndpoint.Path];

    public static void UseStandbyGate(this WebApplication app) => app.Use(async (context, next) =>
    {
        var leadership = context.RequestServices.GetRequiredService<HostLeadership>();
        if (leadership.IsActing || Open.Any(path => context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase)))
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var leader = leadership.LastSeenLeader;
        if (!leadership.HasLost && leader is not null && !context.Request.Headers.ContainsKey(LeaderForwarder.ForwardedByHeader)
            && LeaderForwarder.TargetOf(leader, context.Request.IsHttps) is { } target
            && await context.RequestServices.GetRequiredService<LeaderForwarder>().ForwardAsync(context, leader, target).ConfigureAwait(false))
        {
            return;
        }

        var detail = leadership.HasLost
            ? "This CMS host has just stopped leading and is restarting; ask another CMS host."
            : leader is null
                ? "This CMS host stands by and no host leads at the moment; ask again in a few seconds."
                : $"This CMS host stands by and could not pass the request on: {leader.Name} leads, at {leader.Address}.";
        context.Response.Headers.RetryAfter = "1";
        await Results.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Standby CMS host",
            extensions: new Dictionary<string, object?> { ["leader"] = leader?.Address }).ExecuteAsync(context).ConfigureAwait(false);
    });
}

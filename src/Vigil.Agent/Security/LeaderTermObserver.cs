using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Vigil.Agent.Security;

/// <summary>Raises the <see cref="LeaderTermFence"/> from every call made with a CMS's credential.</summary>
public static class LeaderTermObserver
{
    /// <summary>After authentication: only a paired CMS's calls count, never an anonymous one or the admin password's.</summary>
    public static void UseLeaderTerms(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (context.User.Identity?.Name?.StartsWith(AgentAuthentication.CmsCallerPrefix, StringComparison.Ordinal) == true
            && LeaderTermFence.Of(context.Request) is { } term)
        {
            context.RequestServices.GetRequiredService<LeaderTermFence>().Observe(term);
        }

        await next(context).ConfigureAwait(false);
    });
}

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Security;

/// <summary>
/// Refuses a password attempt (Basic authorization, or pairing) from an address that has failed too often,
/// before anything else runs: the password hash is deliberately slow, so answering 429 first keeps a flood
/// of guesses from costing the agent its CPU. Calls with a CMS credential (Bearer) are never held up.
/// </summary>
internal static class PasswordAttemptThrottling
{
    public const string Rule = "auth.too-many-failures";

    public static void UsePasswordAttemptThrottling(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (IsPasswordAttempt(context.Request)
            && context.RequestServices.GetRequiredService<FailureThrottle>().RetryAfter(context.Connection.RemoteIpAddress) is var wait
            && wait > TimeSpan.Zero)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
            await Problems.Refuse(Rule, $"Too many wrong passwords from this address; try again in {seconds} s.", StatusCodes.Status429TooManyRequests)
                .ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    private static bool IsPasswordAttempt(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.OrdinalIgnoreCase)
        || (HttpMethods.IsPost(request.Method) && request.Path.Equals(AgentRoutes.Pairing, StringComparison.OrdinalIgnoreCase));
}

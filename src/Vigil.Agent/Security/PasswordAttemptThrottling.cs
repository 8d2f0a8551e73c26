using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Vigil.Hosting;

namespace Vigil.Agent.Security;

/// <summary>
/// Refuses a password attempt from an address that has failed too often (<see cref="FailureThrottle"/>),
/// before the password is looked at: the hash is deliberately slow, so answering 429 first keeps a flood of
/// guesses from costing the agent its CPU. Calls with a CMS credential (Bearer) are never held up.
/// </summary>
internal static class PasswordAttemptThrottling
{
    public const string Rule = "auth.too-many-failures";

    /// <summary>Every request with Basic authorization, whatever its path, is checked before authentication runs.</summary>
    public static void UsePasswordAttemptThrottling(this WebApplication app) => app.Use(async (context, next) =>
    {
        if (AuthenticationHeaderValue.TryParse(context.Request.Headers.Authorization, out var header)
            && header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)
            && Refusal(context) is { } refused)
        {
            await refused.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    /// <summary>The 429 to answer when the caller's address may not try a password now; null when it may.</summary>
    public static IResult? Refusal(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var wait = context.RequestServices.GetRequiredService<FailureThrottle>().RetryAfter(context.Connection.RemoteIpAddress);
        if (wait <= TimeSpan.Zero)
        {
            return null;
        }

        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        context.Response.Headers[HeaderNames.RetryAfter] = seconds.ToString(CultureInfo.InvariantCulture);
        return Problems.Refuse(Rule, $"Too many wrong passwords from this address; try again in {seconds} s.", StatusCodes.Status429TooManyRequests);
    }
}

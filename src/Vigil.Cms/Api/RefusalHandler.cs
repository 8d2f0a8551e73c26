using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Vigil.Hosting;

namespace Vigil.Cms.Api;

/// <summary>
/// Turns refusals into RFC 9457 problems naming the broken rule: <see cref="RefusedException"/> from the
/// inventory, and malformed or oversized requests that ASP.NET Core rejects before an endpoint runs.
/// </summary>
internal sealed class RefusalHandler : IExceptionHandler
{
    public const string MalformedRule = "request.malformed";
    public const string TooLargeRule = "request.too-large";

    private static readonly string TooLargeDetail = $"The request body is larger than the {CmsLimits.MaxRequestBodyBytes / 1024} KiB the API accepts.";

    /// <summary>Problems the framework writes itself (no token, unknown route, body too large) name a rule too.</summary>
    public static void NameTheRule(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("rule"))
        {
            return;
        }

        var rule = problem.Status switch
        {
            StatusCodes.Status401Unauthorized => "auth.required",
            StatusCodes.Status404NotFound => "request.unknown-route",
            StatusCodes.Status405MethodNotAllowed => "request.method-not-allowed",
            StatusCodes.Status413PayloadTooLarge => TooLargeRule,
            StatusCodes.Status415UnsupportedMediaType => "request.unsupported-media-type",
            StatusCodes.Status429TooManyRequests => "request.too-many",
            _ when problem.Status is >= 400 and < 500 => MalformedRule,
            _ => "server.internal-error",
        };
        problem.Type = $"urn:vigil:problem:{rule}";
        problem.Extensions["rule"] = rule;
        problem.Detail ??= rule switch
        {
            "auth.required" => $"Sign in first: POST {Vigil.Contracts.Cms.CmsRoutes.Login} with a user name and password, then send the token as 'Authorization: Bearer TOKEN'.",
            TooLargeRule => TooLargeDetail,
            _ => problem.Title,
        };
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            RefusedException refused => Problems.Refuse(refused.Rule, refused.Message, refused.Status, refused.Extensions),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.Refuse(TooLargeRule, TooLargeDetail, StatusCodes.Status413PayloadTooLarge),
            BadHttpRequestException bad => Problems.Refuse(MalformedRule, $"The request could not be read: {bad.Message}", bad.StatusCode),
            _ => null,
        };
        if (result is null)
        {
            return false;
        }

        await result.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }
}

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

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            RefusedException refused => Problems.Refuse(refused.Rule, refused.Message, refused.Status, refused.Extensions),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                Problems.Refuse(TooLargeRule, $"The request body is larger than the {CmsLimits.MaxRequestBodyBytes / 1024} KiB the API accepts.", StatusCodes.Status413PayloadTooLarge),
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

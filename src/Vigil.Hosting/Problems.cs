using Microsoft.AspNetCore.Http;

namespace Vigil.Hosting;

/// <summary>
/// RFC 9457 problem responses that name the broken rule: <c>type</c> is <c>urn:vigil:problem:{rule}</c>
/// and the <c>rule</c> extension carries the rule code alone, for scripts.
/// </summary>
public static class Problems
{
    public static IResult Refuse(string rule, string detail, int status = StatusCodes.Status400BadRequest, IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var members = new Dictionary<string, object?>(extensions ?? []) { ["rule"] = rule };
        return Results.Problem(detail: detail, statusCode: status, title: Title(status), type: $"urn:vigil:problem:{rule}", extensions: members);
    }

    public static IResult NotFound(string rule, string detail) => Refuse(rule, detail, StatusCodes.Status404NotFound);

    public static IResult Conflict(string rule, string detail) => Refuse(rule, detail, StatusCodes.Status409Conflict);

    private static string Title(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request breaks a rule",
        StatusCodes.Status401Unauthorized => "Authentication failed",
        StatusCodes.Status403Forbidden => "Confirmation required",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Not possible in the current state",
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status429TooManyRequests => "Too many attempts",
        StatusCodes.Status502BadGateway => "The agent could not be used",
        StatusCodes.Status507InsufficientStorage => "Not enough storage",
        _ => "Refused",
    };
}

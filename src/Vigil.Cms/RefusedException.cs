using Microsoft.AspNetCore.Http;
using Vigil.Domain;

namespace Vigil.Cms;

/// <summary>
/// A request the CMS will not carry out, with the rule it breaks; the API turns it into an RFC 9457
/// problem response. Thrown from wherever the refusal is found, so no layer has to thread it back.
/// </summary>
public sealed class RefusedException : Exception
{
    public RefusedException(string rule, string message, int status = StatusCodes.Status400BadRequest)
        : base(message)
    {
        Rule = rule;
        Status = status;
    }

    public RefusedException(Refusal refusal, int status = StatusCodes.Status400BadRequest)
        : this(refusal?.Rule ?? throw new ArgumentNullException(nameof(refusal)), refusal.Message, status)
    {
    }

    public RefusedException()
        : this("request.refused", "The request was refused.")
    {
    }

    public RefusedException(string message)
        : this("request.refused", message)
    {
    }

    public RefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Rule = "request.refused";
        Status = StatusCodes.Status400BadRequest;
    }

    public string Rule { get; }

    public int Status { get; }

    /// <summary>Extra members for the problem body (per-member results of a batch, say).</summary>
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();

    /// <summary>The first refusal as the problem, every one of them (their rules and messages) under <c>errors</c>.</summary>
    public static RefusedException WithAll(IReadOnlyList<Refusal> refusals, int status = StatusCodes.Status400BadRequest)
    {
        ArgumentNullException.ThrowIfNull(refusals);
        var refused = new RefusedException(refusals[0], status);
        refused.Extensions["errors"] = refusals.Select(r => new Contracts.Cms.RuleMessage(r.Rule, r.Message)).ToList();
        return refused;
    }

    public static void ThrowIf(Decision decision, int status = StatusCodes.Status400BadRequest)
    {
        if (decision.Refusal is { } refusal)
        {
            throw new RefusedException(refusal, status);
        }
    }
}

namespace Vigil.Domain;

/// <summary>
/// Why a rule refused something. <see cref="Rule"/> is a stable machine-readable code
/// (e.g. <c>server-name.forbidden-character</c>) that the API puts in its problem responses;
/// <see cref="Message"/> says it in words an operator understands.
/// </summary>
public sealed record Refusal(string Rule, string Message)
{
    public override string ToString() => $"{Rule}: {Message}";
}

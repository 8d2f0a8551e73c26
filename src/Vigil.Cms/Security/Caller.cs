using System.Globalization;
using System.Security.Claims;

namespace Vigil.Cms.Security;

/// <summary>Who is calling: the signed-in user, their role (read afresh on every request) and the session their token belongs to.</summary>
public sealed record Caller(int UserId, string UserName, int SessionId, string Role)
{
    public const string SessionClaim = "vigil:session";

    public static Caller From(ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return new Caller(
            int.Parse(principal.FindFirstValue(ClaimTypes.NameIdentifier)!, CultureInfo.InvariantCulture),
            principal.FindFirstValue(ClaimTypes.Name)!,
            int.Parse(principal.FindFirstValue(SessionClaim)!, CultureInfo.InvariantCulture),
            principal.FindFirstValue(ClaimTypes.Role)!);
    }

    public ClaimsPrincipal ToPrincipal(string scheme) => new(new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, UserId.ToString(CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Name, UserName),
        new Claim(SessionClaim, SessionId.ToString(CultureInfo.InvariantCulture)),
        new Claim(ClaimTypes.Role, Role),
    ], scheme));
}

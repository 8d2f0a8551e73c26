using Vigil.Contracts.Cms;

namespace Vigil.Cms.Security;

/// <summary>
/// What a new CMS password must be (long enough to resist guessing at the sign-in rate limit, short enough to
/// hash cheaply) and the roles a user may have.
/// </summary>
internal static class AccountRules
{
    public const int MinimumLength = 8;
    public const int MaximumLength = 1024;

    public static void CheckPassword(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            throw new RefusedException("auth.password-too-short", $"A password needs at least {MinimumLength} characters.");
        }

        if (password.Length > MaximumLength)
        {
            throw new RefusedException("auth.password-too-long", $"A password has at most {MaximumLength} characters.");
        }
    }

    public static void CheckRole(string? role)
    {
        if (role is null || !UserRoles.All.Contains(role, StringComparer.Ordinal))
        {
            throw new RefusedException("user.unknown-role", $"'{role}' is not a role; use {string.Join(", ", UserRoles.All)}.");
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Security;

/// <summary>
/// Sign-in with a user name and password, bearer tokens (only their SHA-256 is stored), and the first
/// admin's re-authentication that removing a standby or deleting a group requires.
/// </summary>
internal sealed class Sessions(CmsDbContext db, TimeProvider time)
{
    public static TimeSpan Lifetime { get; } = TimeSpan.FromHours(24);

    public static TimeSpan ReauthenticationLifetime { get; } = TimeSpan.FromMinutes(5);

    public async Task<LoginResponse> LoginAsync(LoginRequest request, CancellationToken cancellationToken)
    {
        var user = await CheckPasswordAsync(request.User, request.Password, cancellationToken).ConfigureAwait(false);
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = time.GetUtcNow();
        var session = new SessionRow { TokenHash = Hash(token), UserId = user.Id, CreatedAt = now, ExpiresAt = now + Lifetime };
        db.Sessions.Add(session);
        var expired = await db.Sessions.Where(s => s.UserId == user.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        db.Sessions.RemoveRange(expired.Where(s => s.ExpiresAt <= now));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new LoginResponse(token, session.ExpiresAt, user.Name, user.IsFirstAdmin);
    }

    public async Task<Caller?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var found = await db.Sessions.AsNoTracking()
            .Where(s => s.TokenHash == hash)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { s.Id, s.ExpiresAt, UserId = u.Id, u.Name })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return found is null || found.ExpiresAt <= time.GetUtcNow() ? null : new Caller(found.UserId, found.Name, found.Id);
    }

    /// <summary>False once the session has ended or expired: a long-lived stream ends with it.</summary>
    public async Task<bool> IsLiveAsync(int sessionId, CancellationToken cancellationToken)
    {
        var expires = await db.Sessions.Where(s => s.Id == sessionId).Select(s => (DateTimeOffset?)s.ExpiresAt)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return expires > time.GetUtcNow();
    }

    public async Task<ConsoleSessionView> DescribeAsync(Caller caller, CancellationToken cancellationToken)
    {
        var session = await db.Sessions.AsNoTracking().Where(s => s.Id == caller.SessionId)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { u.Name, u.IsFirstAdmin, s.ExpiresAt })
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        return new ConsoleSessionView(session.Name, session.IsFirstAdmin, session.ExpiresAt);
    }

    public async Task LogoutAsync(Caller caller, CancellationToken cancellationToken)
    {
        await db.Sessions.Where(s => s.Id == caller.SessionId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the caller's session as confirmed by the first admin for <see cref="ReauthenticationLifetime"/>.</summary>
    public async Task<ReauthenticationResponse> ReauthenticateAsync(Caller caller, ReauthenticationRequest request, CancellationToken cancellationToken)
    {
        var user = await CheckPasswordAsync(request.User, request.Password, cancellationToken).ConfigureAwait(false);
        if (!user.IsFirstAdmin)
        {
            throw new RefusedException("auth.not-first-admin", $"'{user.Name}' is not the first admin user; only the first admin can confirm this.", StatusCodes.Status403Forbidden);
        }

        var session = await db.Sessions.SingleAsync(s => s.Id == caller.SessionId, cancellationToken).ConfigureAwait(false);
        session.ReauthenticatedUntil = time.GetUtcNow() + ReauthenticationLifetime;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new ReauthenticationResponse(session.ReauthenticatedUntil.Value);
    }

    /// <summary>Refuses unless the first admin re-authenticated in the caller's session within the last few minutes.</summary>
    public async Task RequireReauthenticationAsync(Caller caller, string action, CancellationToken cancellationToken)
    {
        var until = await db.Sessions.Where(s => s.Id == caller.SessionId).Select(s => s.ReauthenticatedUntil)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (until is null || until <= time.GetUtcNow())
        {
            throw new RefusedException("auth.reauthentication-required",
                $"{action} needs the first admin user to confirm: POST {CmsRoutes.Reauthenticate} with the first admin's name and password, then repeat the request within {ReauthenticationLifetime.TotalMinutes:0} minutes.",
                StatusCodes.Status403Forbidden);
        }
    }

    private async Task<UserRow> CheckPasswordAsync(string? name, string? password, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrEmpty(name) || name.Length > 128
            ? null
            : await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Name == name, cancellationToken).ConfigureAwait(false);
        if (user is null || string.IsNullOrEmpty(password) || password.Length > 1024 || !PasswordHashing.Verify(user.PasswordHash, password))
        {
            throw new RefusedException("auth.wrong-credentials", "The user name or password is not correct.", StatusCodes.Status401Unauthorized);
        }

        return user;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

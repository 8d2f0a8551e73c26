using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Security;

/// <summary>
/// Sign-in with a user name and password, bearer tokens (only their SHA-256 is stored) that end after
/// <see cref="Lifetime"/> or <see cref="IdleTimeout"/> unused, a user's own password change, and the first
/// admin's re-authentication that actions stopping a failover or discarding footage require.
/// </summary>
internal sealed class Sessions(CmsDbContext db, TimeProvider time)
{
    public static TimeSpan Lifetime { get; } = TimeSpan.FromHours(24);

    /// <summary>A console left signed in but unattended stops being usable after this long.</summary>
    public static TimeSpan IdleTimeout { get; } = TimeSpan.FromMinutes(30);

    /// <summary>How stale <see cref="SessionRow.LastSeenAt"/> may get: writing it on every request would make each read a write.</summary>
    public static TimeSpan LastSeenResolution { get; } = TimeSpan.FromMinutes(1);

    public static TimeSpan ReauthenticationLifetime { get; } = TimeSpan.FromMinutes(5);

    public async Task<LoginResponse> LoginAsync(LoginRequest request, CancellationToken cancellationToken)
    {
        var user = await CheckPasswordAsync(request.User, request.Password, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var ended = await db.Sessions.Where(s => s.UserId == user.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        db.Sessions.RemoveRange(ended.Where(s => !IsLive(s, now)));
        var login = Begin(user, now);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return login;
    }

    public async Task<Caller?> AuthenticateAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        var found = await db.Sessions
            .Where(s => s.TokenHash == hash)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { Session = s, u.Name, u.Role })
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (found is null || !IsLive(found.Session, now))
        {
            return null;
        }

        if (now - (found.Session.LastSeenAt ?? found.Session.CreatedAt) >= LastSeenResolution)
        {
            found.Session.LastSeenAt = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return new Caller(found.Session.UserId, found.Name, found.Session.Id, found.Role);
    }

    /// <summary>False once the session has ended, expired or gone unused too long: a long-lived stream ends with it.</summary>
    public async Task<bool> IsLiveAsync(int sessionId, CancellationToken cancellationToken)
    {
        var session = await db.Sessions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == sessionId, cancellationToken).ConfigureAwait(false);
        return session is not null && IsLive(session, time.GetUtcNow());
    }

    public async Task<ConsoleSessionView> DescribeAsync(Caller caller, CancellationToken cancellationToken)
    {
        var session = await db.Sessions.AsNoTracking().Where(s => s.Id == caller.SessionId)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { u.Name, u.IsFirstAdmin, u.Role, s.ExpiresAt })
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        return new ConsoleSessionView(session.Name, session.IsFirstAdmin, session.ExpiresAt, session.Role);
    }

    public async Task LogoutAsync(Caller caller, CancellationToken cancellationToken)
    {
        await db.Sessions.Where(s => s.Id == caller.SessionId).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The caller changes their own password: every session of theirs ends (a stolen token or a forgotten
    /// console on another device with it) and the caller goes on in a new one, all in one transaction.
    /// </summary>
    public async Task<LoginResponse> ChangePasswordAsync(Caller caller, PasswordChangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var user = await db.Users.SingleAsync(u => u.Id == caller.UserId, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(request.CurrentPassword) || request.CurrentPassword.Length > AccountRules.MaximumLength
            || !PasswordHashing.Verify(user.PasswordHash, request.CurrentPassword))
        {
            throw new RefusedException("auth.wrong-credentials", "The current password is not correct.", StatusCodes.Status401Unauthorized);
        }

        AccountRules.CheckPassword(request.NewPassword);
        user.PasswordHash = PasswordHashing.Hash(request.NewPassword);
        db.Sessions.RemoveRange(await db.Sessions.Where(s => s.UserId == user.Id).ToListAsync(cancellationToken).ConfigureAwait(false));
        var login = Begin(user, time.GetUtcNow());
        db.Events.Add(EventLog.Operator(null, string.Empty, "change own password", "every session of theirs ended", user.Name, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return login;
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

    /// <summary>
    /// Refuses unless the first admin re-authenticated in the caller's session within the last few minutes.
    /// Called inside a command's transaction before it changes anything, so a refusal leaves everything as it was.
    /// </summary>
    public async Task RequireReauthenticationAsync(Caller caller, string action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var until = await db.Sessions.Where(s => s.Id == caller.SessionId).Select(s => s.ReauthenticatedUntil)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (until is null || until <= time.GetUtcNow())
        {
            throw new RefusedException("auth.reauthentication-required",
                $"{action} needs the first admin user to confirm: POST {CmsRoutes.Reauthenticate} with the first admin's name and password, then repeat the request within {ReauthenticationLifetime.TotalMinutes:0} minutes.",
                StatusCodes.Status403Forbidden);
        }
    }

    /// <summary>Adds a new session of <paramref name="user"/> to the unit of work; the caller saves it.</summary>
    private LoginResponse Begin(UserRow user, DateTimeOffset now)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var session = new SessionRow { TokenHash = Hash(token), UserId = user.Id, CreatedAt = now, ExpiresAt = now + Lifetime, LastSeenAt = now };
        db.Sessions.Add(session);
        return new LoginResponse(token, session.ExpiresAt, user.Name, user.IsFirstAdmin, user.Role);
    }

    private static bool IsLive(SessionRow session, DateTimeOffset now) =>
        session.ExpiresAt > now && (session.LastSeenAt ?? session.CreatedAt) + IdleTimeout > now;

    private async Task<UserRow> CheckPasswordAsync(string? name, string? password, CancellationToken cancellationToken)
    {
        var user = string.IsNullOrEmpty(name) || name.Length > 128
            ? null
            : await db.Users.FirstOrDefaultAsync(u => u.Name == name, cancellationToken).ConfigureAwait(false);
        if (user is null || string.IsNullOrEmpty(password) || password.Length > AccountRules.MaximumLength || !PasswordHashing.Verify(user.PasswordHash, password))
        {
            throw new RefusedException("auth.wrong-credentials", "The user name or password is not correct.", StatusCodes.Status401Unauthorized);
        }

        return user;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

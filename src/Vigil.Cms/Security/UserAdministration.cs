using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Security;

/// <summary>
/// Administrators add users with a role, change roles, reset passwords and delete users. The first admin
/// stays an administrator and stays: its password is what confirms footage-discarding actions, so no other
/// administrator can reset it, demote it or delete it. Each change is one transaction with its event log entry.
/// </summary>
internal sealed class UserAdministration(CmsDbContext db, TimeProvider time)
{
    public const string NotFoundRule = "user.not-found";
    public const string FirstAdminRule = "user.first-admin-protected";
    public const int MaxNameLength = 64;

    public async Task<UserList> ListAsync(CancellationToken cancellationToken)
    {
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new UserList(users.Select(View).ToList());
    }

    public async Task<UserView> AddAsync(AddUserRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name?.Trim() ?? string.Empty;
        if (name.Length == 0 || name.Length > MaxNameLength || name.Any(char.IsControl))
        {
            throw new RefusedException("user.invalid-name", $"A user name has 1 to {MaxNameLength} characters and no control characters.");
        }

        AccountRules.CheckRole(request.Role);
        AccountRules.CheckPassword(request.Password);
        if (await db.Users.AnyAsync(u => u.Name == name, cancellationToken).ConfigureAwait(false))
        {
            throw new RefusedException("user.name-duplicate", $"There is already a user '{name}'.", StatusCodes.Status409Conflict);
        }

        var row = new UserRow { Name = name, PasswordHash = PasswordHashing.Hash(request.Password), Role = request.Role, CreatedAt = time.GetUtcNow() };
        db.Users.Add(row);
        Log("add user", $"{name} ({request.Role})", caller);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return View(row);
    }

    /// <summary>Takes effect at the user's next request: the role is read from here on every one.</summary>
    public async Task<UserView> SetRoleAsync(int id, UserRoleRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        AccountRules.CheckRole(request.Role);
        var row = await FindOtherThanFirstAdminAsync(id, "change the role of", cancellationToken).ConfigureAwait(false);
        Log("change user role", $"{row.Name}: {row.Role} → {request.Role}", caller);
        row.Role = request.Role;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return View(row);
    }

    /// <summary>Sets another user's password and ends every session of theirs.</summary>
    public async Task ResetPasswordAsync(int id, PasswordResetRequest request, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var row = await FindOtherThanFirstAdminAsync(id, "reset the password of", cancellationToken).ConfigureAwait(false);
        AccountRules.CheckPassword(request.Password);
        row.PasswordHash = PasswordHashing.Hash(request.Password);
        db.Sessions.RemoveRange(await db.Sessions.Where(s => s.UserId == id).ToListAsync(cancellationToken).ConfigureAwait(false));
        Log("reset user password", row.Name, caller);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a user; their sessions go with them (cascade), so their tokens stop working at once.</summary>
    public async Task DeleteAsync(int id, Caller caller, CancellationToken cancellationToken)
    {
        var row = await FindOtherThanFirstAdminAsync(id, "delete", cancellationToken).ConfigureAwait(false);
        db.Sessions.RemoveRange(await db.Sessions.Where(s => s.UserId == id).ToListAsync(cancellationToken).ConfigureAwait(false));
        db.Users.Remove(row);
        Log("delete user", row.Name, caller);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<UserRow> FindOtherThanFirstAdminAsync(int id, string action, CancellationToken cancellationToken)
    {
        var row = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(NotFoundRule, $"There is no user with id {id}.", StatusCodes.Status404NotFound);
        if (row.IsFirstAdmin)
        {
            throw new RefusedException(FirstAdminRule,
                $"No one can {action} the first admin user '{row.Name}': it confirms the actions that discard footage. It changes its own password with PUT {CmsRoutes.Password}.",
                StatusCodes.Status409Conflict);
        }

        return row;
    }

    private void Log(string action, string detail, Caller caller) =>
        db.Events.Add(EventLog.Operator(null, string.Empty, action, detail, caller.UserName, time.GetUtcNow()));

    private static UserView View(UserRow row) => new(row.Id, row.Name, row.Role, row.IsFirstAdmin, row.CreatedAt);
}

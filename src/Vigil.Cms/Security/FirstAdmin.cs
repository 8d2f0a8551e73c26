using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Security;

/// <summary>Creates the first admin user <c>admin</c> on first start, with a given or generated password.</summary>
internal static class FirstAdmin
{
    public const string UserName = "admin";

    public static async Task EnsureAsync(CmsDbContext db, TimeProvider time, Func<string, string?> environment, TextWriter console, CancellationToken cancellationToken)
    {
        if (await db.Users.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var (password, generated) = InitialAdminPassword.Choose(environment);
        db.Users.Add(new UserRow { Name = UserName, PasswordHash = PasswordHashing.Hash(password), IsFirstAdmin = true, Role = UserRoles.Administrator, CreatedAt = time.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await console.WriteLineAsync(generated
            ? $"CMS user '{UserName}' created; password (shown once, keep it): {password}"
            : $"CMS user '{UserName}' created with the password in {InitialAdminPassword.EnvironmentVariable}.").ConfigureAwait(false);
    }
}

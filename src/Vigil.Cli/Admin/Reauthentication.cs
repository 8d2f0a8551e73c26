using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary>Runs a destructive call; if the CMS wants the first admin to confirm, re-authenticates and runs it again.</summary>
internal static class Reauthentication
{
    public const string RequiredRule = "auth.reauthentication-required";

    public static async Task WithAsync(CmsClient client, string adminUser, string? adminPassword, Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            await call().ConfigureAwait(false);
            return;
        }
        catch (CliFailure e) when (e.Rule == RequiredRule)
        {
            var password = AdminAction.Secret(adminPassword, $"Password of the first admin user '{adminUser}'");
            await client.SendAsync(HttpMethod.Post, CmsRoutes.Reauthenticate, new ReauthenticationRequest(adminUser, password)).ConfigureAwait(false);
        }

        await call().ConfigureAwait(false);
    }
}

using System.CommandLine;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary>
/// Runs a call that may stop a failover or discard footage; if the CMS wants the first admin to confirm,
/// re-authenticates (the first admin's password from <see cref="AdminPasswordOption"/>, standard input or the
/// terminal) and runs it again.
/// </summary>
internal static class Reauthentication
{
    public const string RequiredRule = "auth.reauthentication-required";

    public static readonly Option<string> AdminUserOption = new("--admin-user")
    {
        Description = "The first admin user, who confirms an action that stops a failover or discards footage",
        DefaultValueFactory = _ => "admin",
    };

    public static readonly Option<string?> AdminPasswordOption = new("--admin-password")
    {
        Description = "The first admin's password, when the CMS asks for it (else read from standard input or asked for)",
    };

    public static Task WithAsync(CmsClient client, ParseResult result, Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(result);
        return WithAsync(client, result.GetValue(AdminUserOption)!, result.GetValue(AdminPasswordOption), call);
    }

    public static async Task<T> WithAsync<T>(CmsClient client, ParseResult result, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        T answer = default!;
        Func<Task> remembering = async () => { answer = await call().ConfigureAwait(false); };
        await WithAsync(client, result, remembering).ConfigureAwait(false);
        return answer;
    }

    private static async Task WithAsync(CmsClient client, string adminUser, string? adminPassword, Func<Task> call)
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

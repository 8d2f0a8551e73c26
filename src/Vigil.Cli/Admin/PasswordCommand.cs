using System.CommandLine;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary>
/// <c>vigil password</c>: the signed-in user changes their own password. Every session of theirs ends; the CMS
/// answers with a new one, which replaces the saved login, so later commands go on working.
/// </summary>
internal static class PasswordCommand
{
    public static Command Create()
    {
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the current password, then the new one, from the first two lines of standard input" };
        var command = new Command("password", "Change your own CMS password (at least 8 characters); your other sessions end") { stdin };
        AdminAction.Set(command, async (result, client) =>
        {
            var fromStdin = result.GetValue(stdin);
            var current = fromStdin ? ReadLine("current password") : AdminAction.Secret(null, "Current password");
            var next = fromStdin ? ReadLine("new password") : AdminAction.Secret(null, "New password");
            if (!fromStdin && AdminAction.Secret(null, "New password again") != next)
            {
                throw new CliFailure("The two new passwords differ; nothing was changed.");
            }

            var login = await client.SendAsync<LoginResponse>(HttpMethod.Put, CmsRoutes.Password, new PasswordChangeRequest(current, next)).ConfigureAwait(false);
            var saved = CliSession.Load()!;
            (saved with { Token = login.Token }).Save();
            Console.Out.WriteLine($"Changed the password of '{login.User}'; every other session of theirs has ended.");
        });
        return command;
    }

    private static string ReadLine(string what) => Console.In.ReadLine() ?? throw new CliFailure($"--password-stdin: no {what} on standard input.");
}

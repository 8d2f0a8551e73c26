using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil user list|add|role|password|delete</c>: user administration, for administrators.</summary>
internal static class UserCommand
{
    private static readonly Argument<string> UserArgument = new("USER") { Description = "User name or id" };

    private static readonly Option<bool> PasswordStdinOption = new("--password-stdin") { Description = "Read the password from the first line of standard input instead of asking" };

    public static Command Create()
    {
        var command = new Command("user", "CMS users and their roles (administrator, operator, viewer)");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Role());
        command.Subcommands.Add(Password());
        command.Subcommands.Add(Delete());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "List the users and their roles") { AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var list = await client.GetAsync<UserList>(CmsRoutes.Users).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(list);
                return;
            }

            Output.Table(["ID", "NAME", "ROLE", "FIRST ADMIN"], list.Users.Select(u => (IReadOnlyList<string>)
                [u.Id.ToString(CultureInfo.InvariantCulture), u.Name, u.Role, u.IsFirstAdmin ? "yes" : string.Empty]));
        });
        return command;
    }

    private static Command Add()
    {
        var name = new Argument<string>("NAME");
        var role = RoleOption();
        var command = new Command("add", "Add a user with a role; the password (at least 8 characters) is asked for") { name, role, PasswordStdinOption, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var password = NewPassword(result, $"Password for '{result.GetValue(name)}'");
            var added = await client.SendAsync<UserView>(HttpMethod.Post, CmsRoutes.Users, new AddUserRequest(result.GetValue(name)!, result.GetValue(role)!, password))
                .ConfigureAwait(false);
            Print(result, added, "Added");
        });
        return command;
    }

    private static Command Role()
    {
        var role = new Argument<string>("ROLE") { Description = string.Join(", ", UserRoles.All) };
        role.AcceptOnlyFromAmong([.. UserRoles.All]);
        var command = new Command("role", "Change a user's role (not the first admin's); it applies to their next request") { UserArgument, role, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var user = await Lookup.UserAsync(client, result.GetValue(UserArgument)!).ConfigureAwait(false);
            var changed = await client.SendAsync<UserView>(HttpMethod.Put, CmsRoutes.UserRole(user.Id), new UserRoleRequest(result.GetValue(role)!)).ConfigureAwait(false);
            Print(result, changed, "Changed");
        });
        return command;
    }

    private static Command Password()
    {
        var command = new Command("password", "Set another user's password (not the first admin's); their sessions end") { UserArgument, PasswordStdinOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var user = await Lookup.UserAsync(client, result.GetValue(UserArgument)!).ConfigureAwait(false);
            var password = NewPassword(result, $"New password for '{user.Name}'");
            await client.SendAsync(HttpMethod.Put, CmsRoutes.UserPassword(user.Id), new PasswordResetRequest(password)).ConfigureAwait(false);
            Console.Out.WriteLine($"Set the password of '{user.Name}'; their sessions have ended.");
        });
        return command;
    }

    private static Command Delete()
    {
        var command = new Command("delete", "Delete a user (not the first admin); their sessions end") { UserArgument };
        AdminAction.Set(command, async (result, client) =>
        {
            var user = await Lookup.UserAsync(client, result.GetValue(UserArgument)!).ConfigureAwait(false);
            await client.SendAsync(HttpMethod.Delete, CmsRoutes.User(user.Id)).ConfigureAwait(false);
            Console.Out.WriteLine($"Deleted user '{user.Name}'.");
        });
        return command;
    }

    private static Option<string> RoleOption()
    {
        var role = new Option<string>("--role") { Description = string.Join(", ", UserRoles.All), Required = true };
        role.AcceptOnlyFromAmong([.. UserRoles.All]);
        return role;
    }

    private static string NewPassword(ParseResult result, string prompt) => result.GetValue(PasswordStdinOption)
        ? Console.In.ReadLine() ?? throw new CliFailure("--password-stdin: nothing on standard input.")
        : AdminAction.Secret(null, prompt);

    private static void Print(ParseResult result, UserView user, string verb)
    {
        if (result.GetValue(AdminAction.JsonOption))
        {
            Output.Json(user);
        }
        else
        {
            Console.Out.WriteLine($"{verb} user {user.Id} '{user.Name}' ({user.Role}).");
        }
    }
}

using System.CommandLine;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil login</c> and <c>vigil logout</c>.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var cms = new Option<string>("--cms") { Description = "The CMS address, e.g. http://127.0.0.1:8080", Required = true };
        var user = new Option<string>("--user") { Description = "User name", DefaultValueFactory = _ => "admin" };
        var password = new Option<string?>("--password") { Description = "Password (asked for when left out)" };
        var fingerprint = new Option<string?>("--fingerprint") { Description = "The CMS certificate's SHA-256 fingerprint to trust (https); default: trust and show the one presented now" };
        var command = new Command("login", "Sign in to a CMS and keep the token for later commands") { cms, user, password, fingerprint };
        command.SetAction(async (result, _) =>
        {
            try
            {
                var text = result.GetValue(cms)!;
                if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
                {
                    throw new CliFailure($"'{text}' is not an http:// or https:// address.");
                }

                var secret = AdminAction.Secret(result.GetValue(password), "Password");
                using var client = new CmsClient(address, token: null, result.GetValue(fingerprint));
                var login = await client.SendAsync<LoginResponse>(HttpMethod.Post, CmsRoutes.Login, new LoginRequest(result.GetValue(user)!, secret)).ConfigureAwait(false);
                new CliSession(address, login.Token, client.SeenFingerprint).Save();
                Console.Out.WriteLine($"Logged in to {address} as {login.User} ({login.Role}) until {login.ExpiresAt:yyyy-MM-dd HH:mm} UTC, or 30 minutes unused.");
                if (client.SeenFingerprint is { } seen)
                {
                    Console.Out.WriteLine($"Trusting the CMS certificate {seen}.");
                }

                return 0;
            }
            catch (CliFailure e)
            {
                return AdminAction.Fail(e);
            }
        });
        return command;
    }

    public static Command CreateLogout()
    {
        var command = new Command("logout", "End the session kept by 'vigil login'");
        AdminAction.Set(command, async (_, client) =>
        {
            await client.SendAsync(HttpMethod.Delete, CmsRoutes.Login).ConfigureAwait(false);
            CliSession.Delete();
            Console.Out.WriteLine("Logged out.");
        });
        return command;
    }
}

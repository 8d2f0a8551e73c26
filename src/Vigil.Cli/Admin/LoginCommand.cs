using System.CommandLine;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil login</c> and <c>vigil logout</c>.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var cms = new Option<string>("--cms") { Description = "The CMS address, e.g. https://cms.example.org:7180", Required = true };
        var user = new Option<string>("--user") { Description = "User name", DefaultValueFactory = _ => "admin" };
        var password = new Option<string?>("--password") { Description = "Password (asked for when left out)" };
        var fingerprint = new Option<string?>("--fingerprint")
        {
            Description = "The CMS certificate's SHA-256 fingerprint, as the CMS printed it at start (https); asked to confirm when left out",
        };
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
                var trusted = address.Scheme == "https" ? result.GetValue(fingerprint) ?? await ConfirmCertificateAsync(address).ConfigureAwait(false) : null;
                using var client = new CmsClient(address, token: null, trusted);
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

    /// <summary>Looks at the CMS's certificate without sending anything secret, and asks the operator to confirm it.</summary>
    private static async Task<string> ConfirmCertificateAsync(Uri address)
    {
        using var probe = new CmsClient(address, token: null, pinnedFingerprint: null);
        await probe.SendAsync(HttpMethod.Get, CmsRoutes.Live).ConfigureAwait(false);
        var seen = probe.SeenFingerprint ?? throw new CliFailure($"{address} presented no certificate.");
        var question = $"The CMS at {address} presents certificate {seen}.";
        return CertificateTrust.Ask(question, "CMS")
            ? seen
            : throw new CliFailure($"{question} Not trusted, so the password was not sent. Compare it with the fingerprint the CMS printed at start; if it is the same, repeat with --fingerprint {seen}",
                "login.fingerprint-unconfirmed");
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

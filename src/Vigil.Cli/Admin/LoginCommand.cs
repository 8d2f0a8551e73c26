using System.CommandLine;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil login</c> and <c>vigil logout</c>.</summary>
internal static class LoginCommand
{
    public static Command Create()
    {
        var cms = new Option<string>("--cms")
        {
            Description = "The CMS address, e.g. https://cms.example.org:7180; with several CMS hosts, all their addresses, comma-separated",
            Required = true,
        };
        var user = new Option<string>("--user") { Description = "User name", DefaultValueFactory = _ => "admin" };
        var password = new Option<string?>("--password") { Description = "Password (asked for when left out)" };
        var fingerprint = new Option<string?>("--fingerprint")
        {
            Description = "The CMS certificate's SHA-256 fingerprint, as the CMS printed it at start (https), comma-separated in the order of --cms; asked to confirm when left out",
        };
        var command = new Command("login", "Sign in to a CMS and keep the token for later commands") { cms, user, password, fingerprint };
        command.SetAction(async (result, _) =>
        {
            try
            {
                var addresses = result.GetValue(cms)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Address).ToList();
                var given = (result.GetValue(fingerprint) ?? string.Empty).Split(',', StringSplitOptions.TrimEntries);
                var secret = AdminAction.Secret(result.GetValue(password), "Password");
                var endpoints = new List<CmsEndpoint>();
                for (var i = 0; i < addresses.Count; i++)
                {
                    var address = addresses[i];
                    var pinned = i < given.Length && given[i].Length > 0 ? given[i] : null;
                    var trusted = address.Scheme == "https" ? pinned ?? await ConfirmCertificateAsync(address).ConfigureAwait(false) : null;
                    endpoints.Add(new CmsEndpoint(address, trusted));
                }

                using var client = new CmsClient(endpoints, token: null);
                var login = await client.SendAsync<LoginResponse>(HttpMethod.Post, CmsRoutes.Login, new LoginRequest(result.GetValue(user)!, secret)).ConfigureAwait(false);
                var first = endpoints.Single(e => e.Address == client.Cms);
                new CliSession(first.Address, login.Token, first.Fingerprint ?? client.SeenFingerprint, [.. endpoints.Where(e => e != first)]).Save();
                Console.Out.WriteLine($"Logged in to {client.Cms} as {login.User} ({login.Role}) until {login.ExpiresAt:yyyy-MM-dd HH:mm} UTC, or 30 minutes unused.");
                if (endpoints.Count > 1)
                {
                    Console.Out.WriteLine($"When it stops answering, later commands go to {string.Join(", ", endpoints.Where(e => e != first).Select(e => e.Address))}.");
                }

                foreach (var endpoint in endpoints.Where(e => e.Fingerprint is not null))
                {
                    Console.Out.WriteLine($"Trusting the certificate {endpoint.Fingerprint} for {endpoint.Address}.");
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

    private static Uri Address(string text) =>
        Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var address) && address.Scheme is "http" or "https"
            ? address
            : throw new CliFailure($"'{text}' is not an http:// or https:// address.");

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

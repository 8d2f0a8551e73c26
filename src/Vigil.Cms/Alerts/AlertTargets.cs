using System.Net;
using System.Net.Mail;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Alerts;

/// <summary>
/// The rules for where alerts may go. Secure by default: a webhook is https, and e-mail is sent over TLS
/// (STARTTLS or TLS from the first byte); plain text only to this machine's own loopback address, where it
/// crosses no network. The secret a webhook signs with is made by the CMS unless the operator brings one.
/// </summary>
internal static class AlertTargets
{
    public static class Rules
    {
        public const string InvalidWebhook = "alert.invalid-webhook";
        public const string InvalidEmail = "alert.invalid-email";
        public const string UnknownKind = "alert.unknown-kind";
        public const string NotFound = "alert.not-found";
    }

    public const int MinimumSecretLength = 16;

    public static readonly IReadOnlyList<string> Securities = ["starttls", "tls", "none"];

    public static Uri CheckWebhook(AddWebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Uri.TryCreate(request.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new RefusedException(Rules.InvalidWebhook, $"'{request.Url}' is not an http(s) URL.");
        }

        if (url.Scheme == Uri.UriSchemeHttp && !IsLoopback(url.Host))
        {
            throw new RefusedException(Rules.InvalidWebhook,
                $"A webhook must be https: alerts name servers and the signature would cross the network in the clear ({url.Host} is not this machine's loopback).");
        }

        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            throw new RefusedException(Rules.InvalidWebhook, "A webhook URL carries no user or password: the signature authenticates the CMS.");
        }

        if (request.Secret is { } secret && secret.Length < MinimumSecretLength)
        {
            throw new RefusedException(Rules.InvalidWebhook, $"A webhook secret must be at least {MinimumSecretLength} characters.");
        }

        CheckKinds(request.Kinds ?? []);
        return url;
    }

    public static void CheckEmail(EmailSettingsView email, bool hasStoredPassword)
    {
        ArgumentNullException.ThrowIfNull(email);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(email.Host) || Uri.CheckHostName(email.Host) == UriHostNameType.Unknown)
        {
            problems.Add($"'{email.Host}' is not a host name or address.");
        }

        if (email.Port is < 1 or > 65535)
        {
            problems.Add($"Port {email.Port} is not a TCP port.");
        }

        if (!Securities.Contains(email.Security))
        {
            problems.Add($"Security '{email.Security}' is not one of {string.Join(", ", Securities)}.");
        }
        else if (email.Security == "none" && !IsLoopback(email.Host))
        {
            problems.Add("Security 'none' (no TLS) is allowed only to this machine's loopback address; use starttls or tls.");
        }

        if (!IsAddress(email.From))
        {
            problems.Add($"From '{email.From}' is not an e-mail address.");
        }

        if (email.To.Count == 0 || email.To.Any(t => !IsAddress(t)))
        {
            problems.Add("To needs one or more e-mail addresses.");
        }

        if (!string.IsNullOrEmpty(email.User) && string.IsNullOrEmpty(email.Password) && !hasStoredPassword)
        {
            problems.Add("A user needs a password.");
        }

        if (problems.Count > 0)
        {
            throw new RefusedException(Rules.InvalidEmail, string.Join(" ", problems));
        }

        CheckKinds(email.Kinds);
    }

    public static void CheckKinds(IReadOnlyList<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        if (kinds.FirstOrDefault(k => !AlertKinds.All.Contains(k)) is { } unknown)
        {
            throw new RefusedException(Rules.UnknownKind, $"'{unknown}' is not an alert kind; use one of {string.Join(", ", AlertKinds.All)}.");
        }
    }

    /// <summary>What is shown of a webhook's URL: scheme, host and port, the path hidden (it often holds the receiver's own secret).</summary>
    public static string Display(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.PathAndQuery.Length > 1 ? $"{url.GetLeftPart(UriPartial.Authority)}/…" : url.GetLeftPart(UriPartial.Authority);
    }

    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool IsAddress(string? text) =>
        !string.IsNullOrWhiteSpace(text) && MailAddress.TryCreate(text, out var address) && address.Address == text.Trim();
}

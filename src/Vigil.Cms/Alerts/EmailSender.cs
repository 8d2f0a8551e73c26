using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Alerts;

/// <summary>
/// Sends an alert by e-mail over SMTP (MailKit): TLS as the settings say, the server's certificate checked against
/// the machine's trusted roots, a login only when a user is set. The subject is the summary; the body says what
/// happened, to which server, and what to do.
/// </summary>
internal sealed class EmailSender
{
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    public static async Task<(bool Delivered, string Result)> SendAsync(StoredEmail email, string? password, AlertPayload alert, long deliveryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(alert);
        using var message = Compose(email, alert, deliveryId);
        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        try
        {
            var security = email.Security switch
            {
                "tls" => SecureSocketOptions.SslOnConnect,
                "none" => SecureSocketOptions.None,
                _ => SecureSocketOptions.StartTls,
            };
            await client.ConnectAsync(email.Host, email.Port, security, cancellationToken).ConfigureAwait(false);
            if (email.User is { } user)
            {
                await client.AuthenticateAsync(user, password ?? string.Empty, cancellationToken).ConfigureAwait(false);
            }

            var answer = await client.SendAsync(message, cancellationToken).ConfigureAwait(false);
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
            return (true, $"SMTP: {answer}".Trim());
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException
            or AuthenticationException or SslHandshakeException or ServiceNotConnectedException or TimeoutException)
        {
            return (false, $"SMTP: {e.Message}");
        }
    }

    public static MimeMessage Compose(StoredEmail email, AlertPayload alert, long deliveryId)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(alert);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(email.From));
        foreach (var to in email.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = $"[Vigil] {Shorten(alert.Summary, 150)}";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                {alert.Summary}

                What to do: {alert.Action}

                Kind:    {alert.Kind}
                Server:  {alert.ServerName ?? "-"}
                When:    {alert.At:yyyy-MM-dd HH:mm:ss} UTC
                CMS:     {alert.Cms}
                Detail:  {alert.Detail}
                Alert:   {deliveryId}
                """,
        };
        return message;
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";
}

using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil alert …</c>: where the CMS sends alerts (webhooks, e-mail), a test alert, and the delivery log.</summary>
internal static class AlertCommand
{
    /// <summary>The SMTP password is read from here, or typed, never taken from the command line.</summary>
    public const string SmtpPasswordVariable = "VIGIL_SMTP_PASSWORD";

    public static Command Create()
    {
        var command = new Command("alert", "Alerts by webhook and e-mail: protection lost, failovers started, failed and completed, restores stopped");
        command.Subcommands.Add(List());
        command.Subcommands.Add(Webhook());
        command.Subcommands.Add(Email());
        command.Subcommands.Add(Test());
        command.Subcommands.Add(Deliveries());
        return command;
    }

    private static Command List()
    {
        var command = new Command("list", "Show the webhooks, the e-mail settings and the alert kinds") { AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var view = await client.GetAsync<AlertSettingsView>(CmsRoutes.Alerts).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(view);
                return;
            }

            Output.Table(["ID", "WEBHOOK", "KINDS"], view.Webhooks.Select(w => new[] { w.Id.ToString(CultureInfo.InvariantCulture), w.Url, Kinds(w.Kinds) }));
            Console.Out.WriteLine(view.Email is { } e
                ? $"E-mail: {(e.Enabled ? "on" : "off")}, {e.Host}:{e.Port} ({e.Security}), from {e.From} to {string.Join(", ", e.To)}, {Kinds(e.Kinds)}"
                : "E-mail: not set up");
            Console.Out.WriteLine($"Alert kinds: {string.Join(", ", view.Kinds)}");
        });
        return command;
    }

    private static Command Webhook()
    {
        var url = new Argument<string>("URL") { Description = "https:// (plain http only to 127.0.0.1 or ::1)" };
        var kinds = KindOption();
        var secret = new Option<string?>("--secret") { Description = "The HMAC key to sign with (at least 16 characters); made by the CMS when left out" };
        var add = new Command("add", "Send alerts to a webhook; prints the signing secret once") { url, kinds, secret };
        AdminAction.Set(add, async (result, client) =>
        {
            var created = await client.SendAsync<WebhookCreated>(HttpMethod.Post, CmsRoutes.AlertWebhooks,
                new AddWebhookRequest(result.GetValue(url)!, result.GetValue(kinds) ?? [], result.GetValue(secret))).ConfigureAwait(false);
            Console.Out.WriteLine($"Webhook {created.Webhook.Id} added ({created.Webhook.Url}), for {Kinds(created.Webhook.Kinds)}.");
            Console.Out.WriteLine($"Signing secret (shown once; X-Vigil-Signature is HMAC-SHA256 of \"t.body\"): {created.Secret}");
        });
        var id = new Argument<int>("ID") { Description = "The webhook's id (vigil alert list)" };
        var remove = new Command("remove", "Stop sending alerts to a webhook") { id };
        AdminAction.Set(remove, async (result, client) =>
        {
            await client.SendAsync(HttpMethod.Delete, CmsRoutes.AlertWebhook(result.GetValue(id))).ConfigureAwait(false);
            Console.Out.WriteLine($"Webhook {result.GetValue(id)} removed.");
        });
        return new Command("webhook", "Webhooks: a signed JSON POST for each alert, retried with back-off") { add, remove };
    }

    private static Command Email()
    {
        var host = new Option<string>("--host") { Description = "The SMTP server", Required = true };
        var port = new Option<int>("--port") { Description = "Its port (default 587; 465 with --security tls)" };
        var security = new Option<string>("--security") { Description = "starttls (default), tls, or none (loopback only)", DefaultValueFactory = _ => "starttls" };
        var user = new Option<string?>("--user") { Description = $"Log in as this user; the password is read from {SmtpPasswordVariable} or typed" };
        var from = new Option<string>("--from") { Description = "The sender address", Required = true };
        var to = new Option<string[]>("--to") { Description = "A recipient (repeatable)", Required = true, AllowMultipleArgumentsPerToken = true };
        var kinds = KindOption();
        var off = new Option<bool>("--off") { Description = "Keep the settings but send no e-mail" };
        var set = new Command("set", "Send alerts by e-mail") { host, port, security, user, from, to, kinds, off };
        AdminAction.Set(set, async (result, client) =>
        {
            var chosenSecurity = result.GetValue(security)!;
            var chosenPort = result.GetValue(port) is > 0 and var p ? p : chosenSecurity == "tls" ? 465 : 587;
            var login = result.GetValue(user);
            var password = string.IsNullOrEmpty(login) ? null
                : AdminAction.Secret(Environment.GetEnvironmentVariable(SmtpPasswordVariable), $"SMTP password for {login}");
            var view = await client.SendAsync<AlertSettingsView>(HttpMethod.Put, CmsRoutes.AlertEmail, new EmailSettingsView(
                !result.GetValue(off), result.GetValue(host)!, chosenPort, chosenSecurity, login, password, result.GetValue(from)!,
                result.GetValue(to)!, result.GetValue(kinds) ?? [])).ConfigureAwait(false);
            var e = view.Email!;
            Console.Out.WriteLine($"Alert e-mails {(e.Enabled ? "on" : "off")}: {e.Host}:{e.Port} ({e.Security}) to {string.Join(", ", e.To)}, for {Kinds(e.Kinds)}.");
        });
        var remove = new Command("remove", "Send no e-mail and forget the settings");
        AdminAction.Set(remove, async (_, client) =>
        {
            await client.SendAsync(HttpMethod.Delete, CmsRoutes.AlertEmail).ConfigureAwait(false);
            Console.Out.WriteLine("Alert e-mails removed.");
        });
        return new Command("email", "Alert e-mails over SMTP") { set, remove };
    }

    private static Command Test()
    {
        var webhook = new Option<int?>("--webhook") { Description = "The webhook to test; the e-mail recipients when left out" };
        var command = new Command("test", "Send a test alert; `vigil alert deliveries` shows how it went") { webhook };
        AdminAction.Set(command, async (result, client) =>
        {
            await client.SendAsync(HttpMethod.Post, CmsRoutes.AlertTest, new AlertTestRequest(result.GetValue(webhook))).ConfigureAwait(false);
            Console.Out.WriteLine("Test alert queued; see `vigil alert deliveries`.");
        });
        return command;
    }

    private static Command Deliveries()
    {
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var command = new Command("deliveries", "The delivery log: every alert sent, being retried or given up") { limit, AdminAction.JsonOption };
        AdminAction.Set(command, async (result, client) =>
        {
            var list = await client.GetAsync<AlertDeliveryList>($"{CmsRoutes.AlertDeliveries}?limit={result.GetValue(limit)}").ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(list);
                return;
            }

            Output.Table(["ID", "WHEN", "KIND", "TO", "STATE", "TRIES", "LAST RESULT"], list.Deliveries.Select(d => new[]
            {
                d.Id.ToString(CultureInfo.InvariantCulture), d.CreatedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), d.Kind,
                $"{d.Channel} {d.Target}", d.State == "pending" && d.NextAttemptAt is { } next ? $"retry {next:HH:mm:ss}" : d.State,
                d.Attempts.ToString(CultureInfo.InvariantCulture), d.LastResult ?? "-",
            }));
        });
        return command;
    }

    private static Option<string[]> KindOption() => new("--kind")
    {
        Description = $"An alert kind to send (repeatable; all when left out): {string.Join(", ", AlertKinds.All)}",
        AllowMultipleArgumentsPerToken = true,
    };

    private static string Kinds(IReadOnlyList<string> kinds) => kinds.Count == 0 ? "every kind" : string.Join(", ", kinds);
}

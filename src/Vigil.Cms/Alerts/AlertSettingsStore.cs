using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Alerts;

/// <summary>
/// The webhooks and the e-mail settings: one settings document, held in memory for the dispatcher. Each change
/// is written with its operator event in one save; the webhook secrets and the SMTP password are sealed with the
/// CMS's key ring and never shown again (the secret once, when the CMS makes it).
/// </summary>
internal sealed class AlertSettingsStore(IServiceScopeFactory scopes, SecretProtector secrets, TimeProvider time) : IDisposable, Leadership.IReloadedOnLeading
{
    private const string Key = "alerts";
    private const string Masked = "********";
    private readonly SemaphoreSlim _changes = new(1, 1);
    private volatile AlertConfiguration _current = AlertConfiguration.Empty;

    public AlertConfiguration Current => _current;

    public AlertSettingsView View => new(
        [.. _current.Webhooks.Select(ToView)],
        _current.Email is { } e ? new EmailSettingsView(e.Enabled, e.Host, e.Port, e.Security, e.User, e.SealedPassword is null ? null : Masked, e.From, e.To, e.Kinds) : null,
        AlertKinds.All);

    public string SecretOf(StoredWebhook webhook) => secrets.Unprotect(webhook.SealedSecret);

    public Uri UrlOf(StoredWebhook webhook) => new(secrets.Unprotect(webhook.SealedUrl));

    public string? PasswordOf(StoredEmail email) => email.SealedPassword is { } sealedPassword ? secrets.Unprotect(sealedPassword) : null;

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var stored = await SettingsDocuments.ReadAsync(db, Key, cancellationToken).ConfigureAwait(false);
        _current = stored is null ? AlertConfiguration.Empty : JsonSerializer.Deserialize<AlertConfiguration>(stored, ContractJson.Options)!;
    }

    public async Task<WebhookCreated> AddWebhookAsync(AddWebhookRequest request, Caller caller, CancellationToken cancellationToken)
    {
        var url = AlertTargets.CheckWebhook(request);
        var secret = request.Secret ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        StoredWebhook? added = null;
        var display = AlertTargets.Display(url);
        await ChangeAsync(caller, "add webhook", display, c =>
        {
            added = new StoredWebhook(c.NextWebhookId, secrets.Protect(url.ToString()), display, secrets.Protect(secret), [.. request.Kinds ?? []], time.GetUtcNow());
            return c with { NextWebhookId = c.NextWebhookId + 1, Webhooks = [.. c.Webhooks, added] };
        }, cancellationToken).ConfigureAwait(false);
        return new WebhookCreated(ToView(added!), secret);
    }

    public Task RemoveWebhookAsync(int id, Caller caller, CancellationToken cancellationToken)
    {
        var webhook = _current.Webhooks.FirstOrDefault(w => w.Id == id) ?? throw NotFound(id);
        return ChangeAsync(caller, "remove webhook", webhook.DisplayUrl, c =>
            c with { Webhooks = [.. c.Webhooks.Where(w => w.Id != id)] }, cancellationToken);
    }

    /// <summary>Replaces the e-mail settings; a null (or masked) password keeps the stored one.</summary>
    public async Task<AlertSettingsView> SetEmailAsync(EmailSettingsView email, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var keepPassword = email.Password is null or Masked;
        AlertTargets.CheckEmail(email, _current.Email?.SealedPassword is not null && keepPassword);
        var detail = $"{(email.Enabled ? "on" : "off")}, {email.Host}:{email.Port} ({email.Security}) to {string.Join(", ", email.To)}";
        await ChangeAsync(caller, "set alert e-mail", detail, c =>
        {
            var sealedPassword = string.IsNullOrEmpty(email.User) ? null
                : keepPassword ? c.Email?.SealedPassword : secrets.Protect(email.Password!);
            return c with
            {
                Email = new StoredEmail(email.Enabled, email.Host.Trim(), email.Port, email.Security, NullIfEmpty(email.User), sealedPassword,
                    email.From.Trim(), [.. email.To.Select(t => t.Trim())], [.. email.Kinds]),
            };
        }, cancellationToken).ConfigureAwait(false);
        return View;
    }

    public Task RemoveEmailAsync(Caller caller, CancellationToken cancellationToken) =>
        ChangeAsync(caller, "remove alert e-mail", "alert e-mails off", c => c with { Email = null }, cancellationToken);

    public static RefusedException NotFound(int id) =>
        new(AlertTargets.Rules.NotFound, $"There is no webhook with id {id}.", StatusCodes.Status404NotFound);

    private async Task ChangeAsync(Caller caller, string action, string detail, Func<AlertConfiguration, AlertConfiguration> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        await _changes.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var next = change(_current);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            var json = JsonSerializer.Serialize(next, ContractJson.Options);
            await SettingsDocuments.PutAsync(db, Key, json, cancellationToken).ConfigureAwait(false);

            db.Events.Add(EventLog.Operator(null, string.Empty, action, detail, caller.UserName, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            _current = next;
        }
        finally
        {
            _changes.Release();
        }
    }

    public void Dispose() => _changes.Dispose();

    private static WebhookView ToView(StoredWebhook w) => new(w.Id, w.DisplayUrl, w.Kinds, w.CreatedAt);

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}

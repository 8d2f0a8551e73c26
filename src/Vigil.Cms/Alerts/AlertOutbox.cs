using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Alerts;

/// <summary>
/// Turns new events of the event log into deliveries, one per webhook or e-mail that wants the alert. The event
/// log is the outbox: a cursor (the last event looked at) is saved in the same save as the deliveries it led to,
/// so a crash neither loses an alert nor queues one twice. The first start begins after the newest event: no
/// alerts about history.
/// </summary>
internal sealed class AlertOutbox(IServiceScopeFactory scopes, AlertSettingsStore settings, CmsOptions options, TimeProvider time)
{
    public const int PayloadVersion = 1;

    internal const string CursorKey = "alerts.cursor";
    private const int Batch = 200;

    /// <summary>
    /// How long a gap in the event ids is waited for. On PostgreSQL an id is taken when the row is inserted, so a
    /// transaction still running can commit an event with a lower id than one already visible; passing its id at once
    /// would skip it for ever. A gap that stays (a transaction rolled back) is passed after this wait.
    /// </summary>
    public static TimeSpan GapWait { get; } = TimeSpan.FromSeconds(10);

    /// <summary>Queues the alerts of the events since the cursor; answers how many deliveries were queued.</summary>
    public async Task<int> QueueNewEventsAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var cursorRow = await db.Settings.FirstOrDefaultAsync(s => s.Key == CursorKey, cancellationToken).ConfigureAwait(false);
        if (cursorRow is null)
        {
            var newest = await db.Events.MaxAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false) ?? 0;
            db.Settings.Add(new SettingRow { Key = CursorKey, Json = newest.ToString(CultureInfo.InvariantCulture) });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        var cursor = long.Parse(cursorRow.Json, CultureInfo.InvariantCulture);
        var events = await db.Events.AsNoTracking().Where(e => e.Id > cursor).OrderBy(e => e.Id).Take(Batch).ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var queued = 0;
        foreach (var row in events)
        {
            if (row.Id != cursor + 1 && now - row.At < GapWait)
            {
                break;
            }

            cursor = row.Id;
            if (AlertRules.KindOf(row.Kind, row.From, row.To, row.Code) is { } kind)
            {
                // An event about the CMS itself names no server: the alert names the CMS.
                var about = row.Kind == EventLog.CmsKind ? options.Name : row.ServerName;
                var payload = new AlertPayload(PayloadVersion, 0, kind, row.At, options.Name, row.ServerId, row.ServerId is null ? null : row.ServerName,
                    row.EpisodeId, AlertRules.Summary(kind, about, row.To, row.Reason), row.Reason, AlertRules.Action(kind, about));
                queued += Queue(db, row.Id, payload, settings.Current, webhookOnly: null);
            }
        }

        cursorRow.Json = cursor.ToString(CultureInfo.InvariantCulture);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return queued;
    }

    /// <summary>
    /// The last event the alerts have looked at; every event after it is still to be read. Before the first start there
    /// is no cursor, and that start skips every event already written, so all of them count as read.
    /// </summary>
    public static async Task<long> CursorAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Settings.AsNoTracking().FirstOrDefaultAsync(s => s.Key == CursorKey, cancellationToken).ConfigureAwait(false);
        return row is null ? long.MaxValue : long.Parse(row.Json, CultureInfo.InvariantCulture);
    }

    /// <summary>Queues an <c>alert.test</c> to one webhook, or to the e-mail recipients when <paramref name="webhook"/> is null.</summary>
    public async Task QueueTestAsync(int? webhook, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var config = settings.Current;
        if (webhook is { } id && config.Webhooks.All(w => w.Id != id))
        {
            throw AlertSettingsStore.NotFound(id);
        }

        if (webhook is null && config.Email is not { Enabled: true })
        {
            throw new RefusedException(AlertTargets.Rules.InvalidEmail, "Alert e-mails are not set up or are off.");
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var payload = new AlertPayload(PayloadVersion, 0, AlertKinds.Test, time.GetUtcNow(), options.Name, null, null, null,
            AlertRules.Summary(AlertKinds.Test, options.Name, string.Empty, string.Empty), $"Asked for by {caller.UserName}.",
            AlertRules.Action(AlertKinds.Test, options.Name));
        Queue(db, null, payload, config, webhookOnly: webhook ?? 0);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <param name="webhookOnly">For a test: that webhook alone (0: the e-mail alone); null: every target that wants the kind.</param>
    private int Queue(CmsDbContext db, long? eventId, AlertPayload payload, AlertConfiguration config, int? webhookOnly)
    {
        var json = JsonSerializer.Serialize(payload, ContractJson.Options);
        var count = 0;
        var webhooks = webhookOnly is { } only ? config.Webhooks.Where(w => w.Id == only) : config.Webhooks.Where(w => w.Wants(payload.Kind));
        foreach (var webhook in webhooks)
        {
            db.AlertDeliveries.Add(NewRow(eventId, payload, json, AlertChannels.Webhook, webhook.Id, webhook.DisplayUrl));
            count++;
        }

        var email = config.Email;
        if (email is not null && (webhookOnly == 0 || (webhookOnly is null && email.Wants(payload.Kind))))
        {
            db.AlertDeliveries.Add(NewRow(eventId, payload, json, AlertChannels.Email, null, string.Join(", ", email.To)));
            count++;
        }

        return count;
    }

    private AlertDeliveryRow NewRow(long? eventId, AlertPayload payload, string json, string channel, int? webhookId, string target) => new()
    {
        EventId = eventId,
        Kind = payload.Kind,
        Channel = channel,
        WebhookId = webhookId,
        Target = target,
        Summary = payload.Summary,
        PayloadJson = json,
        State = AlertChannels.Pending,
        CreatedAt = time.GetUtcNow(),
    };
}

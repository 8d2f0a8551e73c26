using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Alerts;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

/// <summary>
/// Where alerts go, a test alert, and the delivery log. Every role reads them (the webhooks' paths and secrets and the
/// SMTP password are never shown); administrators change them.
/// </summary>
internal static class AlertEndpoints
{
    private const int DefaultLimit = 100;
    private const int MaxLimit = 1000;

    public static void Map(RouteGroupBuilder secured, RouteGroupBuilder administer)
    {
        secured.MapGet(CmsRoutes.Alerts, (AlertSettingsStore store) => store.View)
            .WithSummary("The webhooks (their paths and secrets hidden), the e-mail settings (the password masked) and every alert kind.");
        administer.MapPost(CmsRoutes.AlertWebhooks, async (AddWebhookRequest request, ClaimsPrincipal user, AlertSettingsStore store, CancellationToken ct) =>
        {
            var created = await store.AddWebhookAsync(request, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Created(CmsRoutes.AlertWebhook(created.Webhook.Id), created);
        }).WithSummary("Adds a webhook; the answer holds its signing secret, shown this once.");
        administer.MapDelete(CmsRoutes.AlertWebhooks + "/{id:int}", async (int id, ClaimsPrincipal user, AlertSettingsStore store, CancellationToken ct) =>
        {
            await store.RemoveWebhookAsync(id, Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Removes a webhook; its pending alerts are given up.");
        administer.MapPut(CmsRoutes.AlertEmail, (EmailSettingsView email, ClaimsPrincipal user, AlertSettingsStore store, CancellationToken ct) =>
            store.SetEmailAsync(email, Caller.From(user), ct))
            .WithSummary("Sets how alert e-mails are sent (SMTP over STARTTLS or TLS; plain only to loopback); a null password keeps the stored one.");
        administer.MapDelete(CmsRoutes.AlertEmail, async (ClaimsPrincipal user, AlertSettingsStore store, CancellationToken ct) =>
        {
            await store.RemoveEmailAsync(Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Turns alert e-mails off and forgets their settings.");
        administer.MapPost(CmsRoutes.AlertTest, async (AlertTestRequest request, ClaimsPrincipal user, AlertOutbox outbox, CancellationToken ct) =>
        {
            await outbox.QueueTestAsync(request.Webhook, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Accepted(CmsRoutes.AlertDeliveries);
        }).WithSummary("Queues a test alert to one webhook, or to the e-mail recipients; the delivery log shows how it went.");
        secured.MapGet(CmsRoutes.AlertDeliveries, async ([FromQuery] int? limit, CmsDbContext db, CancellationToken ct) =>
        {
            var take = Math.Clamp(limit ?? DefaultLimit, 1, MaxLimit);
            var rows = await db.AlertDeliveries.AsNoTracking().OrderByDescending(d => d.Id).Take(take).ToListAsync(ct).ConfigureAwait(false);
            return new AlertDeliveryList([.. rows.Select(d => new AlertDeliveryView(d.Id, d.EventId, d.Kind, d.Channel, d.Target, d.Summary, d.State,
                d.Attempts, d.CreatedAt, d.LastAttemptAt, d.NextAttemptAt, d.LastResult))]);
        }).WithSummary("Every alert sent, being retried or given up, newest first.");
    }
}

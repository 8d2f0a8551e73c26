using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Alerts;

/// <summary>
/// Sends the alerts: once a second it queues the new events' alerts (<see cref="AlertOutbox"/>) and makes one attempt
/// at each delivery that is due, several at once, then writes every outcome to the delivery log. A failed attempt is
/// tried again on the <see cref="RetrySchedule"/>; an attempt cut short by a crash is made again after the restart,
/// so a receiver may see an alert twice and should drop a repeated <c>X-Vigil-Delivery</c> id.
/// </summary>
internal sealed partial class AlertDispatcher(
    IServiceScopeFactory scopes, AlertOutbox outbox, AlertSettingsStore settings, WebhookSender webhooks, TimeProvider time, ILogger<AlertDispatcher> logger)
    : BackgroundService
{
    public static TimeSpan Interval { get; } = TimeSpan.FromSeconds(1);

    private const int Batch = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await outbox.QueueNewEventsAsync(stoppingToken).ConfigureAwait(false);
                await SendDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDispatchFailed(logger, e);
            }

            try
            {
                await Task.Delay(Interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One attempt at each due delivery; answers how many were tried.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var pending = await db.AlertDeliveries.Where(d => d.State == AlertChannels.Pending).OrderBy(d => d.Id).Take(Batch * 4)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var due = pending.Where(d => d.NextAttemptAt is null || d.NextAttemptAt <= now).Take(Batch).ToList();
        var outcomes = await Task.WhenAll(due.Select(d => AttemptAsync(d, cancellationToken))).ConfigureAwait(false);
        for (var i = 0; i < due.Count; i++)
        {
            Record(due[i], outcomes[i].Delivered, outcomes[i].Result);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return due.Count;
    }

    private async Task<(bool Delivered, string Result)> AttemptAsync(AlertDeliveryRow delivery, CancellationToken cancellationToken)
    {
        var config = settings.Current;
        var payload = JsonSerializer.Deserialize<AlertPayload>(delivery.PayloadJson, ContractJson.Options)! with { Id = delivery.Id };
        if (delivery.Channel == AlertChannels.Webhook)
        {
            if (config.Webhooks.FirstOrDefault(w => w.Id == delivery.WebhookId) is not { } webhook)
            {
                return (false, "the webhook was removed");
            }

            var body = JsonSerializer.Serialize(payload, ContractJson.Options);
            return await webhooks.SendAsync(settings.UrlOf(webhook), settings.SecretOf(webhook), delivery.Id, delivery.Kind, body, cancellationToken).ConfigureAwait(false);
        }

        return config.Email is { } email
            ? await EmailSender.SendAsync(email, settings.PasswordOf(email), payload, delivery.Id, cancellationToken).ConfigureAwait(false)
            : (false, "alert e-mails were turned off");
    }

    private void Record(AlertDeliveryRow delivery, bool delivered, string result)
    {
        var now = time.GetUtcNow();
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.LastResult = result;
        var gone = result is "the webhook was removed" or "alert e-mails were turned off";
        if (delivered)
        {
            delivery.State = AlertChannels.Delivered;
            delivery.NextAttemptAt = null;
        }
        else if (!gone && RetrySchedule.After(delivery.Attempts) is { } wait)
        {
            delivery.NextAttemptAt = now + wait;
            LogAttemptFailed(logger, delivery.Id, delivery.Kind, delivery.Target, delivery.Attempts, result, wait);
        }
        else
        {
            delivery.State = AlertChannels.Failed;
            delivery.NextAttemptAt = null;
            LogGivenUp(logger, delivery.Id, delivery.Kind, delivery.Target, delivery.Attempts, result);
        }
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Error, Message = "Alerts could not be queued or sent this round; the next round tries again")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Alert {Delivery} ({Kind}) to {Target} failed at attempt {Attempt}: {Result}; tried again in {Wait}")]
    private static partial void LogAttemptFailed(ILogger logger, long delivery, string kind, string target, int attempt, string result, TimeSpan wait);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Error, Message = "Alert {Delivery} ({Kind}) to {Target} given up after {Attempts} attempts: {Result}")]
    private static partial void LogGivenUp(ILogger logger, long delivery, string kind, string target, int attempts, string result);
}

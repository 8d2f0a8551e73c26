using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Cms.Alerts;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Alerts;

/// <summary>
/// Alerts from a real CMS about a real site, to a webhook receiver and a real SMTP server (aiosmtpd) on loopback: a
/// recording server without a standby raises "protection lost" once it has held, a standby added raises "protection
/// restored", a killed server "failover started"; every webhook call is signed with the webhook's secret, a 500 is
/// retried with the same delivery id and body, and the delivery log says what happened to each. A CMS starved of CPU
/// and then paused, longer than a detection window each, fails over nothing, says it was overloaded, and then that it recovered.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class AlertDeliveryTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task Protection_and_failover_alerts_reach_a_signed_webhook_after_a_retry_and_an_smtp_server()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        await using var smtp = await SmtpSink.StartAsync();
        var webhook = await ReadAsync<WebhookCreated>(await Cms.PostAsync(CmsRoutes.AlertWebhooks, new AddWebhookRequest(receiver.Url.ToString())), HttpStatusCode.Created);
        webhook.Webhook.Url.ShouldBe($"{receiver.Url.GetLeftPart(UriPartial.Authority)}/…", "the path of a webhook is never shown");
        webhook.Secret.Length.ShouldBeGreaterThanOrEqualTo(32);
        await ReadAsync<AlertSettingsView>(await Cms.PutAsync(CmsRoutes.AlertEmail, new EmailSettingsView(
            true, "127.0.0.1", smtp.Port, "none", null, null, "vigil@site.invalid", ["ops@site.invalid"], [AlertKinds.ProtectionLost, AlertKinds.FailoverStarted])),
            HttpStatusCode.OK);

        var recording = await Site.StartAgentAsync("rec", 1);
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.WaitStatusAsync(rec.Id, "normal_unprotected");

        // The first call is answered 500 and tried again 5 s later: the same delivery, the same body, signed again.
        var lost = await Eventually.GetAsync(
            () => Task.FromResult(receiver.Calls.Where(c => c.Kind == AlertKinds.ProtectionLost).ToList() is { Count: >= 2 } calls ? calls : null),
            TimeSpan.FromSeconds(45), "the protection-lost alert to be retried after a 500");
        lost.Select(c => c.AnsweredWith).ShouldBe([500, 200]);
        lost.Select(c => c.Delivery).Distinct().Count().ShouldBe(1);
        lost[1].Body.ShouldBe(lost[0].Body);
        foreach (var call in lost)
        {
            WebhookSignature.Verify(webhook.Secret, call.Signature!, call.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeTrue();
            WebhookSignature.Verify("another secret of enough length", call.Signature!, call.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeFalse();
            WebhookSignature.Verify(webhook.Secret, call.Signature!, call.Body.Replace("rec", "xyz", StringComparison.Ordinal), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        }

        var payload = JsonSerializer.Deserialize<AlertPayload>(lost[0].Body, ContractJson.Options)!;
        payload.Version.ShouldBe(1);
        payload.Id.ToString(System.Globalization.CultureInfo.InvariantCulture).ShouldBe(lost[0].Delivery);
        payload.Kind.ShouldBe(AlertKinds.ProtectionLost);
        payload.ServerName.ShouldBe("rec");
        payload.Summary.ShouldStartWith("rec is unprotected");
        payload.Action.ShouldContain("standby");

        var mail = await Eventually.GetAsync(() => Task.FromResult(smtp.Messages() is [var first, ..] ? first : null), TimeSpan.FromSeconds(20), "the protection-lost e-mail");
        mail.Subject.ShouldStartWith("[Vigil] rec is unprotected");
        mail.To.Mailboxes.Single().Address.ShouldBe("ops@site.invalid");
        mail.TextBody!.ShouldContain("What to do:");

        var standby = await Site.StartAgentAsync("standby");
        await Site.AddAsync(standby, ServerRoleName.Standby);
        await Eventually.UntilAsync(() => receiver.Calls.Any(c => c.Kind == AlertKinds.ProtectionRestored && c.AnsweredWith == 200),
            TimeSpan.FromSeconds(45), "the protection-restored alert");

        await recording.KillTreeAsync();
        await Eventually.UntilAsync(() => receiver.Calls.Any(c => c.Kind == AlertKinds.FailoverStarted && c.AnsweredWith == 200),
            TimeSpan.FromSeconds(30), "the failover-started alert");
        await Eventually.UntilAsync(() => smtp.Messages().Any(m => m.Subject!.StartsWith("[Vigil] Failover of rec started", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20), "the failover-started e-mail");
        smtp.Messages().ShouldNotContain(m => m.Subject!.Contains("protected again", StringComparison.Ordinal), "e-mail is sent only for the kinds chosen");

        var log = await Eventually.GetAsync(async () =>
            await Cms.GetAsync<AlertDeliveryList>(CmsRoutes.AlertDeliveries) is var list && list.Deliveries.All(d => d.State == "delivered") ? list : null,
            TimeSpan.FromSeconds(20), "every delivery to be delivered");
        var lostByWebhook = log.Deliveries.Single(d => d.Kind == AlertKinds.ProtectionLost && d.Channel == "webhook");
        lostByWebhook.Attempts.ShouldBe(2);
        lostByWebhook.LastResult.ShouldBe("HTTP 200 OK");
        lostByWebhook.Target.ShouldNotContain("/hooks/vigil");
        log.Deliveries.Single(d => d.Kind == AlertKinds.ProtectionLost && d.Channel == "email").LastResult!.ShouldStartWith("SMTP:");
        log.Deliveries.Select(d => d.Kind).ShouldBe(
            [AlertKinds.FailoverStarted, AlertKinds.FailoverStarted, AlertKinds.ProtectionRestored, AlertKinds.ProtectionLost, AlertKinds.ProtectionLost],
            ignoreOrder: true);
    }

    [Fact]
    public async Task A_test_alert_reaches_one_webhook_and_plain_http_to_another_host_is_refused()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var webhook = await ReadAsync<WebhookCreated>(await Cms.PostAsync(CmsRoutes.AlertWebhooks,
            new AddWebhookRequest(receiver.Url.ToString(), [AlertKinds.FailoverFailed], "a secret the operator chose")), HttpStatusCode.Created);
        webhook.Secret.ShouldBe("a secret the operator chose");
        (await Cms.Http.PostAsJsonAsync(CmsRoutes.AlertTest.TrimStart('/'), new AlertTestRequest(webhook.Webhook.Id), ContractJson.Options))
            .StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var call = await Eventually.GetAsync(() => Task.FromResult(receiver.Calls.FirstOrDefault()), TimeSpan.FromSeconds(15), "the test alert");
        call.Kind.ShouldBe(AlertKinds.Test);
        WebhookSignature.Verify("a secret the operator chose", call.Signature!, call.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).ShouldBeTrue();

        using var plain = await Cms.Http.PostAsJsonAsync(CmsRoutes.AlertWebhooks.TrimStart('/'), new AddWebhookRequest("http://192.0.2.10/hook"), ContractJson.Options);
        await plain.ShouldBeProblemAsync(HttpStatusCode.BadRequest, AlertTargets.Rules.InvalidWebhook);
        using var clear = await Cms.Http.PutAsJsonAsync(CmsRoutes.AlertEmail.TrimStart('/'),
            new EmailSettingsView(true, "mail.example.com", 25, "none", null, null, "vigil@site.invalid", ["ops@site.invalid"], []), ContractJson.Options);
        await clear.ShouldBeProblemAsync(HttpStatusCode.BadRequest, AlertTargets.Rules.InvalidEmail);
        using var viewer = await Cms.AddUserAsync("vera", UserRoles.Viewer);
        (await viewer.GetFromJsonAsync<AlertSettingsView>(CmsRoutes.Alerts.TrimStart('/'), ContractJson.Options))!.Webhooks.Single().Url.ShouldNotContain("hooks");
        (await viewer.PostAsJsonAsync(CmsRoutes.AlertWebhooks.TrimStart('/'), new AddWebhookRequest(receiver.Url.ToString()), ContractJson.Options))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_starved_cms_fails_nothing_over_says_it_was_overloaded_and_then_that_it_recovered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await ReadAsync<WebhookCreated>(await Cms.PostAsync(CmsRoutes.AlertWebhooks,
            new AddWebhookRequest(receiver.Url.ToString(), [AlertKinds.CmsOverloaded, AlertKinds.CmsRecovered])), HttpStatusCode.Created);
        var rec = await Site.AddAsync(await Site.StartAgentAsync("rec", 1), ServerRoleName.Recording);
        await Site.AddAsync(await Site.StartAgentAsync("standby"), ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");

        // The fault: for three detection windows the CMS runs 0.3 s of each second, as on a starved machine, then stops
        // for three probe intervals, as a paused VM. Its probes time out while the agents are fine.
        var starvedFor = TimeSpan.FromSeconds(3 * FailoverSite.Misses * FailoverSite.ProbeSeconds);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < starvedFor)
            {
                FailoverSite.Signal(Cms.Process, "STOP");
                await Task.Delay(TimeSpan.FromMilliseconds(700));
                FailoverSite.Signal(Cms.Process, "CONT");
                await Task.Delay(TimeSpan.FromMilliseconds(300));
            }

            FailoverSite.Signal(Cms.Process, "STOP");
            await Task.Delay(TimeSpan.FromSeconds(3 * FailoverSite.ProbeSeconds));
        }
        finally
        {
            FailoverSite.Signal(Cms.Process, "CONT");
        }

        // Said in the API (and so in the console's header and vigil status) while it lasts, with why.
        var condition = await Eventually.GetAsync(async () => (await Cms.GetAsync<StatusSummary>(CmsRoutes.Status)).Cms is { Overloaded: true } c ? c : null,
            TimeSpan.FromSeconds(5), "the status to say the CMS is overloaded");
        condition.Reason.ShouldStartWith("a probe round started");
        var overloaded = await Eventually.GetAsync(() => Task.FromResult(receiver.Calls.FirstOrDefault(c => c.Kind == AlertKinds.CmsOverloaded)),
            TimeSpan.FromSeconds(15), "the cms.overloaded alert");
        var payload = JsonSerializer.Deserialize<AlertPayload>(overloaded.Body, ContractJson.Options)!;
        payload.ServerName.ShouldBeNull();
        payload.Summary.ShouldStartWith("The CMS cms-under-test is overloaded: a probe round started");
        payload.Action.ShouldContain("vigil_cms_");
        await Eventually.UntilAsync(() => receiver.Calls.Any(c => c.Kind == AlertKinds.CmsRecovered), TimeSpan.FromSeconds(30), "the cms.recovered alert");
        (await Cms.GetAsync<StatusSummary>(CmsRoutes.Status)).Cms.Overloaded.ShouldBeFalse();
        var events = await Cms.GetAsync<EventList>(CmsRoutes.Events);
        events.Events.Where(e => e.Kind == "cms").Select(e => e.To).ShouldBe(["normal", "overloaded"]);
        events.Events.Where(e => e.Kind == "health" && e.To == "failed").ShouldBeEmpty("the CMS's own trouble failed no server");
        events.Events.Where(e => e.Kind == "failover").ShouldBeEmpty();
        (await Site.StatusOfAsync(rec.Id)).ShouldBe("normal_protected");
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            await response.ShouldHaveStatusAsync(expected);
            return (await response.Content.ReadFromJsonAsync<T>(ContractJson.Options))!;
        }
    }
}

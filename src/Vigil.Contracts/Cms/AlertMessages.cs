namespace Vigil.Contracts.Cms;

/// <summary>The kinds of alert the CMS sends, as webhook bodies and e-mail subjects name them.</summary>
public static class AlertKinds
{
    /// <summary>A recording server has no ready standby any more (its status became <c>*_unprotected</c> and stayed so).</summary>
    public const string ProtectionLost = "protection.lost";

    /// <summary>A recording server that had lost its protection has a ready standby again.</summary>
    public const string ProtectionRestored = "protection.restored";

    /// <summary>A failover began: the recording server failed, or an operator asked for it.</summary>
    public const string FailoverStarted = "failover.started";

    /// <summary>A failover ended with the recording server recording again (footage home, unless restore is off or was stopped).</summary>
    public const string FailoverCompleted = "failover.completed";

    /// <summary>A failover ended without the recording server recording again (failed, interrupted or stopped).</summary>
    public const string FailoverFailed = "failover.failed";

    /// <summary>An operator stopped a restore: footage still on the standby was removed.</summary>
    public const string RestoreStopped = "restore.stopped";

    /// <summary>A standby could not take a server over and is marked as having failed its protection.</summary>
    public const string StandbyProtectionFailed = "standby.protection-failed";

    /// <summary>A failover drill did not pass: it failed its thresholds, was aborted or was interrupted.</summary>
    public const string DrillFailed = "drill.failed";

    /// <summary>The CMS itself is impaired (its probe rounds start late): failures may be detected late.</summary>
    public const string CmsOverloaded = "cms.overloaded";

    /// <summary>The CMS's probe rounds start on time again.</summary>
    public const string CmsRecovered = "cms.recovered";

    /// <summary>An agent update did not end with the new version running: it failed, or the new version failed its health check and the agent rolled back.</summary>
    public const string AgentUpdateFailed = "agent.update-failed";

    /// <summary>Sent only on an operator's request, to check that a webhook or the e-mail settings work.</summary>
    public const string Test = "alert.test";

    public static IReadOnlyList<string> All { get; } =
        [ProtectionLost, ProtectionRestored, FailoverStarted, FailoverCompleted, FailoverFailed, RestoreStopped, StandbyProtectionFailed, DrillFailed, CmsOverloaded, CmsRecovered, AgentUpdateFailed];
}

/// <summary>The body of every webhook call (<see cref="Version"/> changes only when a field changes meaning or goes away).</summary>
/// <param name="Id">The delivery's id: the same on every retry, so a receiver can drop a repeat.</param>
/// <param name="Summary">What happened, to which server, in one line.</param>
/// <param name="Action">What the operator should do about it.</param>
public sealed record AlertPayload(
    int Version,
    long Id,
    string Kind,
    DateTimeOffset At,
    string Cms,
    int? ServerId,
    string? ServerName,
    long? EpisodeId,
    string Summary,
    string Detail,
    string Action);

/// <param name="Url">https (plain http only to a loopback address). Kept sealed; only its scheme, host and port are shown.</param>
/// <param name="Kinds">The <see cref="AlertKinds"/> sent to it; empty for all.</param>
/// <param name="Secret">The HMAC key of <c>X-Vigil-Signature</c>; null to let the CMS make one (shown once in the answer).</param>
public sealed record AddWebhookRequest(string Url, IReadOnlyList<string>? Kinds = null, string? Secret = null);

public sealed record WebhookView(int Id, string Url, IReadOnlyList<string> Kinds, DateTimeOffset CreatedAt);

/// <summary>The answer to adding a webhook: the only time its secret is shown.</summary>
public sealed record WebhookCreated(WebhookView Webhook, string Secret);

/// <summary>How alert e-mails are sent. A null <paramref name="Password"/> in a PUT keeps the stored one.</summary>
/// <param name="Security"><c>starttls</c> (default), <c>tls</c> (TLS from the first byte, port 465) or <c>none</c> (loopback only).</param>
/// <param name="Kinds">The <see cref="AlertKinds"/> sent by e-mail; empty for all.</param>
public sealed record EmailSettingsView(
    bool Enabled,
    string Host,
    int Port,
    string Security,
    string? User,
    string? Password,
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Kinds);

public sealed record AlertSettingsView(IReadOnlyList<WebhookView> Webhooks, EmailSettingsView? Email, IReadOnlyList<string> Kinds);

/// <param name="Webhook">A webhook's id, or null for the e-mail recipients.</param>
public sealed record AlertTestRequest(int? Webhook);

/// <param name="Channel"><c>webhook</c> or <c>email</c>.</param>
/// <param name="Target">The webhook's URL, or the e-mail's recipients.</param>
/// <param name="State"><c>pending</c> (to be tried, or tried again at <paramref name="NextAttemptAt"/>), <c>delivered</c> or <c>failed</c> (retries exhausted).</param>
/// <param name="LastResult">The last attempt's outcome: an HTTP status, an SMTP answer, or why it could not be sent.</param>
public sealed record AlertDeliveryView(
    long Id,
    long? EventId,
    string Kind,
    string Channel,
    string Target,
    string Summary,
    string State,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt,
    string? LastResult);

public sealed record AlertDeliveryList(IReadOnlyList<AlertDeliveryView> Deliveries);

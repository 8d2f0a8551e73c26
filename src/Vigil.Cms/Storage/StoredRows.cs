namespace Vigil.Cms.Storage;

/// <summary>A person who signs in to the CMS. The first admin confirms destructive actions.</summary>
internal sealed class UserRow
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string PasswordHash { get; set; }

    public bool IsFirstAdmin { get; set; }

    /// <summary>administrator, operator or viewer (see <see cref="Contracts.Cms.UserRoles"/>).</summary>
    public required string Role { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A signed-in session. Only the SHA-256 of its bearer token is kept.</summary>
internal sealed class SessionRow
{
    public int Id { get; set; }

    public required string TokenHash { get; set; }

    public int UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the session was last used, to the minute (null: not since it began); it ends after a while unused.</summary>
    public DateTimeOffset? LastSeenAt { get; set; }

    /// <summary>Until when the first admin's re-authentication covers actions that stop a failover or discard footage.</summary>
    public DateTimeOffset? ReauthenticatedUntil { get; set; }
}

internal sealed class GroupRow
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public bool ProtectionEnabled { get; set; }

    public bool IsDefault { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A managed server: how to reach it, its place in a group, and the last inventory its agent reported
/// (kept because a dead server cannot hand over its configuration).
/// </summary>
internal sealed class ServerRow
{
    public int Id { get; set; }

    public required string Name { get; set; }

    /// <summary>"recording" or "standby".</summary>
    public required string Role { get; set; }

    public bool Enabled { get; set; }

    /// <summary>Null once its group is deleted: the server stays managed until it joins another group or is deleted.</summary>
    public int? GroupId { get; set; }

    public int Priority { get; set; }

    public required string Host { get; set; }

    public int Port { get; set; }

    public bool Https { get; set; }

    /// <summary>The agent's TLS certificate fingerprint, pinned on first contact (https only).</summary>
    public string? CertificateFingerprint { get; set; }

    /// <summary>The pairing credential, encrypted with the key in the data directory.</summary>
    public required string ProtectedCredential { get; set; }

    public required string Serial { get; set; }

    public required string AgentName { get; set; }

    public required string Model { get; set; }

    public required string AgentVersion { get; set; }

    public int LicenseChannels { get; set; }

    public int SegmentSeconds { get; set; }

    /// <summary>The agent's recording spaces as JSON.</summary>
    public required string SpacesJson { get; set; }

    /// <summary>The agent's own cameras (its surveillance configuration) as JSON.</summary>
    public required string CamerasJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSyncedAt { get; set; }

    /// <summary>A standby's failed takeover (recording server id, reason, when); it stays until an operator clears it.</summary>
    public int? ProtectionFailedFor { get; set; }

    public string? ProtectionFailureReason { get; set; }

    public DateTimeOffset? ProtectionFailedAt { get; set; }
}

/// <summary>One named settings document as JSON (the failover settings, the inventory limits).</summary>
internal sealed class SettingRow
{
    public required string Key { get; set; }

    public required string Json { get; set; }
}

/// <summary>
/// A failover episode as the state machine left it after its last transition; written before the
/// engine acts on that state, so a restarted CMS continues from here.
/// </summary>
internal sealed class EpisodeRow
{
    public long Id { get; set; }

    public int RecordingServerId { get; set; }

    /// <summary>The protected server's name when the episode began, for events after it is removed.</summary>
    public required string RecordingServerName { get; set; }

    public int GroupId { get; set; }

    public required string Origin { get; set; }

    public required string Phase { get; set; }

    public long Epoch { get; set; }

    /// <summary>
    /// The CMS leader term the episode opened under (0 for an episode opened before terms existed): part of its footage
    /// key, so an episode of a database restored from a backup never shares a key with one the agents recorded after it.
    /// </summary>
    public long OpenedTerm { get; set; }

    public int? StandbyId { get; set; }

    /// <summary>Ids of every standby that may hold this episode's footage, as JSON.</summary>
    public required string FootageOnJson { get; set; }

    /// <summary>Ids of the standbys that failed to take over in this episode, as JSON.</summary>
    public required string FailedStandbysJson { get; set; }

    public bool OriginalRecording { get; set; }

    public long RestoreBytesCopied { get; set; }

    public long RestoreBytesTotal { get; set; }

    public int RestoreFilesCopied { get; set; }

    public int RestoreFilesTotal { get; set; }

    /// <summary>When the copy of this episode's footage began, for the restore rate.</summary>
    public DateTimeOffset? RestoreStartedAt { get; set; }

    public string? EndsAs { get; set; }

    public required string Resolution { get; set; }

    public required string Note { get; set; }

    public bool IsOpen { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset PhaseSince { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Raised by every transition (not by restore progress): a step's outcome applies only to the version it began at.</summary>
    public long Version { get; set; }
}

/// <summary>One transition or operator action: when, which server, from what to what, and why.</summary>
internal sealed class EventRow
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public int? ServerId { get; set; }

    public required string ServerName { get; set; }

    public long? EpisodeId { get; set; }

    /// <summary>"failover" for a state-machine transition, "operator" for an action, "health" for a health change.</summary>
    public required string Kind { get; set; }

    public required string From { get; set; }

    public required string To { get; set; }

    public required string Reason { get; set; }

    /// <summary>The reason's code (a failover note's, e.g. <c>restore-stopped</c>), for what reads events by meaning: the alerts.</summary>
    public string? Code { get; set; }


    /// <summary>Who asked for it: a user name, or "vigil" for the engine itself.</summary>
    public required string Actor { get; set; }
}

/// <summary>One alert to one webhook or to the e-mail recipients: sent, being retried, or given up.</summary>
internal sealed class AlertDeliveryRow
{
    public long Id { get; set; }

    /// <summary>The event the alert is about; null for an operator's test alert.</summary>
    public long? EventId { get; set; }

    public required string Kind { get; set; }

    /// <summary>"webhook" or "email".</summary>
    public required string Channel { get; set; }

    /// <summary>The webhook's id (its URL and secret are read when sending, so an edit applies to retries).</summary>
    public int? WebhookId { get; set; }

    /// <summary>The webhook's URL or the recipients, as they were when the alert was queued (for the log).</summary>
    public required string Target { get; set; }

    public required string Summary { get; set; }

    /// <summary>The alert as its webhook body, JSON; the e-mail is written from it too.</summary>
    public required string PayloadJson { get; set; }

    /// <summary>"pending", "delivered" or "failed".</summary>
    public required string State { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    public string? LastResult { get; set; }
}

namespace Vigil.Cms.Storage;

/// <summary>A person who signs in to the CMS. The first admin confirms destructive actions.</summary>
internal sealed class UserRow
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public required string PasswordHash { get; set; }

    public bool IsFirstAdmin { get; set; }

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

    /// <summary>Until when the first admin's re-authentication covers removing standbys and deleting groups.</summary>
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
}

/// <summary>One named settings document as JSON (the failover settings, the inventory limits).</summary>
internal sealed class SettingRow
{
    public required string Key { get; set; }

    public required string Json { get; set; }
}

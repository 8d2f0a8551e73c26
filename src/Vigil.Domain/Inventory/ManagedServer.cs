namespace Vigil.Domain.Inventory;

/// <summary>A standby's failed attempt to take over a recording server; it stays until an operator clears it.</summary>
public sealed record ProtectionFailure(ServerId RecordingServer, string Reason, DateTimeOffset At);

/// <summary>
/// A server as the CMS knows it. <see cref="Priority"/> orders servers within a group: a lower number
/// is protected first (recording servers) or chosen first (standbys).
/// </summary>
public sealed record ManagedServer(
    ServerId Id,
    string Name,
    ServerRole Role,
    bool Enabled,
    GroupId? Group,
    int Priority,
    AgentReport Report,
    ProtectionFailure? ProtectionFailure = null);

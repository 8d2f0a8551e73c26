namespace Vigil.Contracts.Agent;

/// <summary>
/// Record <paramref name="Cameras"/> for a protected server, fenced by <paramref name="Epoch"/>: the agent
/// refuses any takeover command with an epoch lower than the highest it has accepted.
/// </summary>
public sealed record TakeoverRequest(long Epoch, string ProtectedServerName, IReadOnlyList<CameraConfig> Cameras);

/// <summary>A takeover the agent is carrying out.</summary>
/// <param name="Server">The protected server's key (as in the URL).</param>
/// <param name="SpacePath">The recording space it records that server into.</param>
public sealed record TakeoverStatus(
    string Server, string ProtectedServerName, long Epoch, string SpacePath, DateTimeOffset Since, IReadOnlyList<CameraHealth> Cameras);

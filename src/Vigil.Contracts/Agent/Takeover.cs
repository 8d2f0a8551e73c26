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

/// <summary>
/// Removes failover footage that is safely home: only the catalogued files of the takeover key the recording server
/// has confirmed are deleted, named by the standby's catalog ids in <paramref name="Ids"/>. An older agent reads
/// no ids and deletes by the checksums in <paramref name="Sha256"/>, which the CMS sends as well; an agent given ids
/// deletes those alone, so a file holding the same bytes as one confirmed home, recorded at another time, stays.
/// </summary>
public sealed record FootageRemoval(long Epoch, IReadOnlyList<string> Sha256, IReadOnlyList<long>? Ids = null);

/// <summary>What a <see cref="FootageRemoval"/> did: files deleted, and files of the key that remain (not confirmed home).</summary>
public sealed record FootageRemovalResult(int Deleted, int Remaining);

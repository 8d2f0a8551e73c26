namespace Vigil.Contracts.Agent;

public enum RecordingKind
{
    /// <summary>A video segment (MPEG-TS).</summary>
    Video,

    /// <summary>A still image (JPEG).</summary>
    Snapshot,
}

/// <summary>One file in the agent's catalog.</summary>
/// <param name="Owner"><see cref="AgentRoutes.OwnRecordings"/> or a protected server's key.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file's bytes.</param>
public sealed record Recording(
    long Id, string Owner, string CameraId, RecordingKind Kind, DateTimeOffset Start, DateTimeOffset End, long Bytes, string Sha256, string FileName);

public sealed record RecordingList(IReadOnlyList<Recording> Recordings);

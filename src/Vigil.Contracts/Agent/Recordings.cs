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

/// <summary>
/// Describes a failover recording copied home to the recording server (the body of the PUT is the
/// file's bytes). The agent keeps it only if the bytes hash to <paramref name="Sha256"/>, and catalogs
/// it as its own; the same recording sent twice is stored once.
/// </summary>
/// <param name="Folder">The day folder the standby kept it in (yyyy-MM-dd).</param>
public sealed record RestoredRecording(
    string CameraId, RecordingKind Kind, DateTimeOffset Start, DateTimeOffset End, long Bytes, string Sha256, string Folder, string FileName)
{
    /// <summary>The query string of the PUT to <see cref="AgentRoutes.RestoredRecordings"/>.</summary>
    public string ToQuery() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"camera={Uri.EscapeDataString(CameraId)}&kind={Kind}&start={Start.ToUnixTimeMilliseconds()}&end={End.ToUnixTimeMilliseconds()}"
        + $"&bytes={Bytes}&sha256={Sha256}&folder={Uri.EscapeDataString(Folder)}&file={Uri.EscapeDataString(FileName)}");
}

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

/// <summary>
/// One page of the catalog, oldest entry (by catalog id) first. <paramref name="Next"/> is the cursor of the next page
/// (pass it as <c>after</c>), null on the last one. <paramref name="Totals"/> counts everything the filter matches
/// and comes with the first page only, so a client can report progress without holding the whole listing.
/// </summary>
public sealed record RecordingList(IReadOnlyList<Recording> Recordings, long? Next = null, RecordingTotals? Totals = null)
{
    /// <summary>The page size when the client names none.</summary>
    public const int DefaultPageSize = 1000;

    /// <summary>The largest page an agent answers.</summary>
    public const int MaxPageSize = 5000;
}

/// <summary>How many files, of how many bytes, a catalog filter matches.</summary>
/// <param name="Cameras">The same by camera, in camera order (null from an agent before 0.1.1): a restore shows per camera what is home.</param>
public sealed record RecordingTotals(long Files, long Bytes, IReadOnlyList<CameraTotals>? Cameras = null);

/// <summary>How many files, of how many bytes, a catalog filter matches for one camera.</summary>
public sealed record CameraTotals(string CameraId, long Files, long Bytes);

/// <summary>
/// A failover recording as the recording server is asked about it before a copy: by camera, kind and checksum, and by
/// the span the standby catalogued it with. With a span, only an entry whose span meets it holds it: the same bytes
/// recorded at another time are other footage (a dark, unchanging picture, its timestamps counted from each session's
/// start, can repeat a segment byte for byte), and taking them for this one would leave its time with no recording.
/// An older agent reads no span and matches by checksum alone.
/// </summary>
public sealed record RecordingIdentity(string CameraId, RecordingKind Kind, string Sha256, DateTimeOffset? Start = null, DateTimeOffset? End = null);

/// <summary>POST body of <see cref="AgentRoutes.RestoredRecordingsCheck"/>: at most <see cref="RecordingList.MaxPageSize"/> recordings.</summary>
public sealed record RestoreCheck(IReadOnlyList<RecordingIdentity> Recordings);

/// <summary>
/// How much of one asked recording the recording server holds: all of it (catalogued as its own), or
/// <paramref name="PartialBytes"/> of an interrupted copy that a PUT with that offset continues. <paramref name="Start"/>
/// and <paramref name="End"/> repeat the asked span (null from an older agent, which matches by checksum alone).
/// </summary>
public sealed record RestoreHolding(
    string CameraId, RecordingKind Kind, string Sha256, bool Complete, long PartialBytes, DateTimeOffset? Start = null, DateTimeOffset? End = null);

/// <summary>The answer to a <see cref="RestoreCheck"/>: one entry per asked recording that is home in whole or in part.</summary>
public sealed record RestoreCheckResult(IReadOnlyList<RestoreHolding> Held);

/// <summary>
/// Describes a failover recording copied home to the recording server (the body of the PUT is the
/// file's bytes). The agent keeps it only if the bytes hash to <paramref name="Sha256"/>, and catalogs
/// it as its own; the same recording sent twice is stored once.
/// </summary>
/// <param name="Folder">The day folder the standby kept it in (yyyy-MM-dd).</param>
public sealed record RestoredRecording(
    string CameraId, RecordingKind Kind, DateTimeOffset Start, DateTimeOffset End, long Bytes, string Sha256, string Folder, string FileName)
{
    /// <summary>
    /// The query string of the PUT to <see cref="AgentRoutes.RestoredRecordings"/> whose body is the file's bytes from
    /// <paramref name="offset"/> on: a copy interrupted part way continues from the bytes the recording server kept.
    /// </summary>
    public string ToQuery(long offset = 0) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"camera={Uri.EscapeDataString(CameraId)}&kind={Kind}&start={Start.ToUnixTimeMilliseconds()}&end={End.ToUnixTimeMilliseconds()}"
        + $"&bytes={Bytes}&sha256={Sha256}&folder={Uri.EscapeDataString(Folder)}&file={Uri.EscapeDataString(FileName)}&offset={offset}");

    public RecordingIdentity Identity => new(CameraId, Kind, Sha256, Start, End);
}

namespace Vigil.Contracts.Agent;

/// <summary>
/// PUT body of <see cref="AgentRoutes.TakeoverGrant"/>: the CMS lets whoever holds a token read one takeover's footage, and
/// nothing else, until <paramref name="Expires"/>. The standby is given only the token's SHA-256, so the token itself
/// travels once, to the recording server that uses it.
/// </summary>
/// <param name="TokenSha256">Lower-case hex SHA-256 of the token's UTF-8 text.</param>
public sealed record FootageGrant(string TokenSha256, DateTimeOffset Expires)
{
    /// <summary>The longest a grant may last: a restore that outlives it is simply given another.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(24);
}

/// <summary>
/// POST body of <see cref="AgentRoutes.RestoredRecordingsPull"/>: the recording server fetches these recordings (one catalog
/// page of a standby) straight from the standby, resuming any it holds in part, and keeps each whose bytes hash to its SHA-256.
/// </summary>
/// <param name="Source">The standby's base address, as the CMS reaches it (https://host:port).</param>
/// <param name="SourceFingerprint">The SHA-256 fingerprint of the standby's certificate that the CMS pinned at pairing; only it is accepted.</param>
/// <param name="Token">The read-only token of a <see cref="FootageGrant"/> on the standby, sent as a bearer credential.</param>
/// <param name="BytesPerSecond">This pull's share of the site's restore bandwidth; 0 is no limit.</param>
public sealed record RestorePull(string Source, string? SourceFingerprint, string Token, long BytesPerSecond, IReadOnlyList<Recording> Recordings);

/// <summary>
/// One line (JSON) of the answer to a <see cref="RestorePull"/>, written as the pull goes: for a camera, the bytes that arrived
/// and the files kept since the last line (<paramref name="AlreadyHome"/>: what this server held before the pull); or, with
/// <paramref name="Rule"/> and <paramref name="Problem"/>, why the pull stopped. The last line has <paramref name="End"/> set;
/// an answer that stops without it was cut off, and a new pull resumes what did not arrive. A line naming no camera and
/// nothing else only says the pull is alive.
/// </summary>
public sealed record RestorePullReport(
    string? CameraId, long Bytes, int Files = 0, bool AlreadyHome = false, string? Rule = null, string? Problem = null, bool End = false)
{
    /// <summary>The rule of a pull that could not reach the standby at all: the CMS then carries the bytes itself.</summary>
    public const string SourceUnreachable = "restore.source-unreachable";

    /// <summary>The rule of a pull the recording server's space cannot hold.</summary>
    public const string SpaceFull = "restore.space-full";

    /// <summary>The most a recording server goes without writing a line while a pull runs, so the CMS can tell a quiet pull from a dead one.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
}

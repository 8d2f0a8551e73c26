namespace Vigil.Contracts.Cms;

/// <summary>How far the copy of failover recordings home has come, and how fast it goes.</summary>
/// <param name="BytesPerSecond">Average since the restore began.</param>
/// <param name="SecondsLeft">At that rate; null before anything was copied.</param>
/// <param name="Cameras">
/// While a restore runs, per camera what is home and what is still on the standby, as this CMS counted it in its current
/// pass (empty before the pass read the standby's totals, after a CMS restart until the next pass, and once it ended).
/// </param>
public sealed record RestoreView(
    long BytesCopied,
    long BytesTotal,
    int FilesCopied,
    int FilesTotal,
    double Percent,
    double BytesPerSecond,
    double? SecondsLeft,
    DateTimeOffset? StartedAt,
    IReadOnlyList<CameraRestoreView> Cameras);

/// <summary>One camera's part of a restore: the files home on the recording server, and all of them (the rest is still on the standby).</summary>
public sealed record CameraRestoreView(string CameraId, int FilesHome, int FilesTotal, long BytesHome, long BytesTotal);

/// <summary>One failover of a recording server, from its failure to the end of its restore.</summary>
/// <param name="Phase">detected, assigning, takingover, active, failingback, restoring, cleaning, completed, stopped, failed, interrupted.</param>
/// <param name="Origin">automatic or manual.</param>
/// <param name="FootageKey">What the standbys record this failover's footage under: the folder of its recordings on a standby.</param>
public sealed record FailoverView(
    long Id,
    int RecordingServerId,
    string RecordingServerName,
    int? StandbyId,
    string? StandbyName,
    string Phase,
    string Origin,
    long Epoch,
    string FootageKey,
    string Note,
    DateTimeOffset StartedAt,
    DateTimeOffset PhaseSince,
    RestoreView Restore);

public sealed record FailoverList(IReadOnlyList<FailoverView> Failovers);

/// <summary>
/// Replace a protected server during its failover: with its acting standby, or with another recording
/// server in normal status. Either takes the original's name, configuration and licenses.
/// </summary>
public sealed record ReplaceRequest(int WithServerId);

/// <param name="Kind">failover, health or operator.</param>
/// <param name="Actor">The user who asked, or "vigil" for the CMS itself.</param>
public sealed record EventView(long Id, DateTimeOffset At, int? ServerId, string ServerName, string Kind, string From, string To, string Reason, string Actor);

/// <summary>One page of the event log, newest first.</summary>
/// <param name="OlderBefore">Pass as <c>before</c> for the next, older page; null when this page holds the oldest event that matches.</param>
public sealed record EventList(IReadOnlyList<EventView> Events, long? OlderBefore = null);

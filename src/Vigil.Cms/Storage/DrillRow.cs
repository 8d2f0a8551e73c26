namespace Vigil.Cms.Storage;

/// <summary>
/// A failover drill and its report. Written when it starts (with its failover, in one transaction), at each step,
/// and when it ends; a row still <c>Running</c> when the CMS starts was interrupted by a restart.
/// </summary>
internal sealed class DrillRow
{
    public long Id { get; set; }

    public int ServerId { get; set; }

    /// <summary>The server's name when the drill began, for reports after it is renamed or removed.</summary>
    public required string ServerName { get; set; }

    public int GroupId { get; set; }

    /// <summary>The failover episode the drill opened.</summary>
    public long? EpisodeId { get; set; }

    public int? StandbyId { get; set; }

    public string? StandbyName { get; set; }

    /// <summary>manual or scheduled.</summary>
    public required string Trigger { get; set; }

    /// <summary>Who asked for it: a user name, or "drill" for the schedule.</summary>
    public required string Actor { get; set; }

    /// <summary>Running, Passed, Failed, Aborted or Interrupted.</summary>
    public required string State { get; set; }

    /// <summary>What a running drill is doing now.</summary>
    public required string Step { get; set; }

    /// <summary>T0: when the drill asked for the failover (CMS clock).</summary>
    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? ActiveAt { get; set; }

    public DateTimeOffset? FailbackAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public double HoldSeconds { get; set; }

    /// <summary>The thresholds in force when the drill began, so a report reads the same after the settings change.</summary>
    public double MaxTakeoverSeconds { get; set; }

    public double MaxGapSeconds { get; set; }

    public double? TakeoverSeconds { get; set; }

    /// <summary>Per camera: the standby's first segment, its gap, and the recording server's own coverage, as JSON.</summary>
    public required string CamerasJson { get; set; }

    public int RestoredFiles { get; set; }

    public long RestoredBytes { get; set; }

    public int StandbyFilesSeen { get; set; }

    public int StandbyFilesHome { get; set; }

    /// <summary>Why it failed, was aborted or interrupted, as a JSON list of sentences.</summary>
    public required string ReasonsJson { get; set; }
}

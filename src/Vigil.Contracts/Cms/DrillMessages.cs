namespace Vigil.Contracts.Cms;

/// <summary>Run a failover drill of a recording server now.</summary>
/// <param name="Server">The recording server's id.</param>
public sealed record RunDrillRequest(int Server);

/// <summary>One camera's figures in a drill report.</summary>
/// <param name="StandbyFirstSegmentStart">Where the standby's first segment of the drill's footage begins (its catalog).</param>
/// <param name="GapSeconds">That minus the drill's start: what a real failure at the start would have left unrecorded had detection been instant.</param>
/// <param name="OwnLongestGapSeconds">The longest stretch, from the drill's start to its failback, that the recording server's own segments leave uncovered.</param>
/// <param name="OwnSegments">The recording server's own segments over that stretch.</param>
public sealed record DrillCameraView(
    string Camera, DateTimeOffset? StandbyFirstSegmentStart, double? GapSeconds, double? OwnLongestGapSeconds, int OwnSegments, int StandbySegments);

/// <summary>One threshold of a drill and whether the drill kept it.</summary>
/// <param name="Name">takeover or gap.</param>
public sealed record DrillThresholdView(string Name, double LimitSeconds, double? MeasuredSeconds, bool Passed);

/// <summary>A failover drill and its report.</summary>
/// <param name="State">running, passed, failed, aborted or interrupted.</param>
/// <param name="Step">What a running drill is doing (failing over, holding, failing back, restoring), or how it ended.</param>
/// <param name="Trigger">manual or scheduled.</param>
/// <param name="TakeoverSeconds">From the drill's start to its failover being active (CMS clock).</param>
/// <param name="WorstGapSeconds">The largest gap of any camera (standby's start, or the recording server's own).</param>
/// <param name="StandbyFilesSeen">The standby's files of the drill's footage that the drill listed.</param>
/// <param name="StandbyFilesHome">Of those, the ones on the recording server with the same SHA-256.</param>
/// <param name="Reasons">Why a drill failed, was aborted or interrupted.</param>
public sealed record DrillView(
    long Id,
    int ServerId,
    string ServerName,
    int? StandbyId,
    string? StandbyName,
    long? FailoverId,
    string State,
    string Step,
    string Trigger,
    string Actor,
    DateTimeOffset StartedAt,
    DateTimeOffset? ActiveAt,
    DateTimeOffset? FailbackAt,
    DateTimeOffset? EndedAt,
    double HoldSeconds,
    double? TakeoverSeconds,
    double? WorstGapSeconds,
    IReadOnlyList<DrillCameraView> Cameras,
    int RestoredFiles,
    long RestoredBytes,
    int StandbyFilesSeen,
    int StandbyFilesHome,
    IReadOnlyList<DrillThresholdView> Thresholds,
    IReadOnlyList<string> Reasons);

public sealed record DrillList(IReadOnlyList<DrillView> Drills);

/// <summary>How drills run and when they run by themselves.</summary>
/// <param name="HoldSeconds">How long the standby records before the drill fails back (default 10).</param>
/// <param name="MaxTakeoverSeconds">The takeover threshold (default 10).</param>
/// <param name="MaxGapSeconds">The camera-time gap threshold (default 10).</param>
/// <param name="Schedule"><c>off</c> (default), <c>weekly DAY HH:MM</c> or <c>every N days HH:MM</c>, UTC.</param>
/// <param name="ScheduledServers">Recording server ids a scheduled round drills; empty is every recording server in turn.</param>
public sealed record DrillSettingsView(
    int HoldSeconds, double MaxTakeoverSeconds, double MaxGapSeconds, string Schedule, IReadOnlyList<int> ScheduledServers);

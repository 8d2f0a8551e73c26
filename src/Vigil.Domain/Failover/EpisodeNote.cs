using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Domain.Failover;

/// <summary>
/// Why an episode is where it is, as data: a stable <see cref="Code"/> (see <see cref="Codes"/>) and the
/// server, epoch and free text it refers to. Kept structured so a server is shown by its current name
/// (<see cref="Render"/>) rather than by whatever name, or id, it had when the note was written.
/// </summary>
public sealed record EpisodeNote(string Code, ServerId? Server = null, Epoch? Epoch = null, string? Detail = null)
{
    public static class Codes
    {
        public const string RecordingServerFailed = "recording-server-failed";
        public const string ManualFailoverRequested = "manual-failover-requested";
        public const string NoStandby = "no-standby";
        public const string StandbyChosen = "standby-chosen";
        public const string StandbyRecording = "standby-recording";
        public const string TakeoverFailed = "takeover-failed";
        public const string StandbyLost = "standby-lost";
        public const string RecoveredUnprotected = "recovered-unprotected";
        public const string ManualFailbackUnprotected = "manual-failback-unprotected";
        public const string AutomaticFailback = "automatic-failback";
        public const string ManualFailback = "manual-failback";
        public const string FailbackAfterLostStandby = "failback-after-lost-standby";
        public const string FailbackWaits = "failback-waits";
        public const string OriginalRecording = "original-recording";
        public const string OriginalFailedDuringFailback = "original-failed-during-failback";
        public const string OriginalFailedDuringRestore = "original-failed-during-restore";
        public const string OriginalFailedNoHolder = "original-failed-no-holder";
        public const string Restoring = "restoring";
        public const string RestoreWaits = "restore-waits";
        public const string RestoreOffRemovingFootage = "restore-off-removing-footage";
        public const string RestoreComplete = "restore-complete";
        public const string RestoreStopped = "restore-stopped";
        public const string ReplacedByStandby = "replaced-by-standby";
        public const string ReplacedByServer = "replaced-by-server";
        public const string ReplacedByServerHandover = "replaced-by-server-handover";
        public const string ReplacedByServerWithFootage = "replaced-by-server-with-footage";
        public const string Stopped = "stopped";
        public const string StoppedRemovingFootage = "stopped-removing-footage";
        public const string GroupDeleted = "group-deleted";
        public const string GroupDeletedRemovingFootage = "group-deleted-removing-footage";
        public const string StepFailed = "step-failed";

        /// <summary>A note stored as free text before notes had codes; <see cref="Detail"/> holds the text.</summary>
        public const string Text = "text";
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The note in words, naming servers with <paramref name="nameOf"/>.</summary>
    public string Render(Func<ServerId, string> nameOf)
    {
        ArgumentNullException.ThrowIfNull(nameOf);
        var server = Server is { } id ? nameOf(id) : "the standby";
        var epoch = Epoch is { } e ? e.ToString() : "a new epoch";
        return Code switch
        {
            Codes.RecordingServerFailed => "recording server failed",
            Codes.ManualFailoverRequested => "manual failover requested",
            Codes.NoStandby => $"unprotected: {Detail}",
            Codes.StandbyChosen => $"taking over: {server} at {epoch}",
            Codes.StandbyRecording => $"{server} records the server's cameras",
            Codes.TakeoverFailed => $"takeover by {server} failed: {Detail}",
            Codes.StandbyLost => $"standby {server} lost: {Detail}",
            Codes.RecoveredUnprotected => "recovered before any standby took over",
            Codes.ManualFailbackUnprotected => "manual failback before any standby took over",
            Codes.AutomaticFailback => "original recovered: automatic failback",
            Codes.ManualFailback => "manual failback",
            Codes.FailbackAfterLostStandby =>
                "failing back: the recording server records first, then the footage held by the lost standby(s) is restored to it",
            Codes.FailbackWaits => $"failback waits: {Detail}",
            Codes.OriginalRecording => "recording server records again",
            Codes.OriginalFailedDuringFailback => "recording server failed again during failback",
            Codes.OriginalFailedDuringRestore => $"recording server failed again during restore: {server} takes over at {epoch}",
            Codes.OriginalFailedNoHolder =>
                "recording server failed again during restore; the standbys holding its footage are lost, so another is chosen",
            Codes.Restoring => "standby released; restoring recordings",
            Codes.RestoreWaits => $"restore waits: {Detail}",
            Codes.RestoreOffRemovingFootage => "standby released; restore is off, so its failover footage is removed",
            Codes.RestoreComplete => "restore complete; removing footage from the standby",
            Codes.RestoreStopped => "restore stopped by operator",
            Codes.ReplacedByStandby => $"replaced by the acting standby {server}; its failover footage becomes its own",
            Codes.ReplacedByServer => $"replaced by {server}",
            Codes.ReplacedByServerHandover => $"replaced by {server}: it records, then the standby is released",
            Codes.ReplacedByServerWithFootage =>
                $"replaced by {server}: it records first, then the footage held by the lost standby(s) is restored to it",
            Codes.Stopped => "failover stopped by operator",
            Codes.StoppedRemovingFootage => "failover stopped by operator; removing its footage",
            Codes.GroupDeleted => "group deleted",
            Codes.GroupDeletedRemovingFootage => "group deleted; removing failover footage",
            Codes.StepFailed => $"failed: {Detail}",

            // Text notes and codes written by a newer version still say something.
            _ => Detail ?? Code,
        };
    }

    /// <summary>The note as compact JSON for one text column, e.g. <c>{"code":"standby-chosen","server":10,"epoch":7}</c>.</summary>
    public string ToStorage() =>
        JsonSerializer.Serialize(new StoredNote(Code, Server?.Value, Epoch?.Value, Detail), Json);

    /// <summary>
    /// Reads what <see cref="ToStorage"/> wrote. Anything that is not a JSON object is a note written as
    /// free text before notes were structured, and is kept as a <see cref="Codes.Text"/> note.
    /// </summary>
    public static EpisodeNote Parse(string stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!stored.TrimStart().StartsWith('{'))
        {
            return new EpisodeNote(Codes.Text, Detail: stored);
        }

        var note = JsonSerializer.Deserialize<StoredNote>(stored, Json)
            ?? throw new FormatException("A stored episode note is a JSON object.");
        if (string.IsNullOrEmpty(note.Code))
        {
            throw new FormatException("A stored episode note needs a code.");
        }

        return new EpisodeNote(
            note.Code, note.Server is { } server ? new ServerId(server) : null, note.Epoch is { } epoch ? new Epoch(epoch) : null, note.Detail);
    }

    private sealed record StoredNote(string Code, int? Server, long? Epoch, string? Detail);
}

using Vigil.Cms.Storage;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>The rows of the event log: failover transitions, health changes and operator actions.</summary>
internal static class EventLog
{
    public const string FailoverKind = "failover";
    public const string HealthKind = "health";
    public const string OperatorKind = "operator";

    /// <summary>A recording server lost or regained a ready standby (see <c>ProtectionWatch</c>).</summary>
    public const string ProtectionKind = "protection";

    public const string Protected = "protected";

    public const string Unprotected = "unprotected";

    /// <summary>The CMS itself became overloaded or recovered (see <c>CmsSelfHealth</c>).</summary>
    public const string CmsKind = "cms";

    public const string Overloaded = "overloaded";

    public const string Recovered = "normal";

    /// <summary>A server's clock started or stopped drifting from the CMS's (see <c>ClockBoard</c>).</summary>
    public const string ClockKind = "clock";

    public const string InStep = "in_step";

    /// <summary>Another CMS host took the leader's lease (see <c>LeaseKeeper</c>): from the host before it, to the new leader.</summary>
    public const string LeaderKind = "leader";

    /// <summary>Every kind an event can have, as a reader may filter on it.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [FailoverKind, HealthKind, OperatorKind, ProtectionKind, CmsKind, ClockKind, LeaderKind, Updates.UpdateEvents.Kind];

    public const string Drifting = "drifting";

    /// <summary>The "from" of the event that opens an episode.</summary>
    public const string NotInFailover = "normal";

    public static EventRow Failover(FailoverEpisode episode, string serverName, string from, FailoverPhase to, string reason, string actor, DateTimeOffset at) => new()
    {
        At = at,
        ServerId = episode.RecordingServer.Value,
        ServerName = serverName,
        EpisodeId = episode.Id.Value,
        Kind = FailoverKind,
        From = from,
        To = FailoverLedger.PhaseName(to),
        Reason = reason,
        Code = episode.Note.Code,
        Actor = actor,
    };

    public static EventRow Health(int serverId, string serverName, string from, string to, string reason, DateTimeOffset at) => new()
    {
        At = at,
        ServerId = serverId,
        ServerName = serverName,
        Kind = HealthKind,
        From = from,
        To = to,
        Reason = reason,
        Actor = FailoverLedger.EngineActor,
    };

    public static EventRow Protection(int serverId, string serverName, bool isProtected, string reason, DateTimeOffset at) => new()
    {
        At = at,
        ServerId = serverId,
        ServerName = serverName,
        Kind = ProtectionKind,
        From = isProtected ? Unprotected : Protected,
        To = isProtected ? Protected : Unprotected,
        Reason = reason,
        Actor = FailoverLedger.EngineActor,
    };

    public static EventRow Clock(int serverId, string serverName, bool drifting, string reason, DateTimeOffset at) => new()
    {
        At = at,
        ServerId = serverId,
        ServerName = serverName,
        Kind = ClockKind,
        From = drifting ? InStep : Drifting,
        To = drifting ? Drifting : InStep,
        Reason = reason,
        Actor = FailoverLedger.EngineActor,
    };

    public static EventRow Cms(bool isOverloaded, string reason, DateTimeOffset at) => new()
    {
        At = at,
        ServerName = string.Empty,
        Kind = CmsKind,
        From = isOverloaded ? Recovered : Overloaded,
        To = isOverloaded ? Overloaded : Recovered,
        Reason = reason,
        Actor = FailoverLedger.EngineActor,
    };

    public static EventRow Leader(string? previousHost, string host, long generation, DateTimeOffset at) => new()
    {
        At = at,
        ServerName = string.Empty,
        Kind = LeaderKind,
        From = previousHost ?? "none",
        To = host,
        Reason = $"took the leader's lease, generation {generation}",
        Actor = host,
    };

    public static EventRow Operator(int? serverId, string serverName, string action, string detail, string actor, DateTimeOffset at) => new()
    {
        At = at,
        ServerId = serverId,
        ServerName = serverName,
        Kind = OperatorKind,
        From = string.Empty,
        To = action,
        Reason = detail,
        Actor = actor,
    };
}

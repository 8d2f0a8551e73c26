using Vigil.Cms.Storage;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>The rows of the event log: failover transitions, health changes and operator actions.</summary>
internal static class EventLog
{
    public const string FailoverKind = "failover";
    public const string HealthKind = "health";
    public const string OperatorKind = "operator";

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

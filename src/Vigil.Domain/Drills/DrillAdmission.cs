using Vigil.Domain.Inventory;

namespace Vigil.Domain.Drills;

/// <summary>What decides whether a drill of one recording server may start now.</summary>
/// <param name="Server">The recording server to drill.</param>
/// <param name="StatusCode">Its derived status (<c>normal_protected</c>, …).</param>
/// <param name="GroupHasOpenFailover">Any failover of the server's group is open.</param>
/// <param name="GroupHasRunningDrill">A drill of a server of the same group is running.</param>
/// <param name="ReadyStandbys">The group's standbys that are <c>normal_ready</c> now.</param>
/// <param name="OtherRecordingServers">The group's other enabled recording servers.</param>
public sealed record DrillCandidate(
    ManagedServer Server, string StatusCode, bool GroupHasOpenFailover, bool GroupHasRunningDrill, int ReadyStandbys, int OtherRecordingServers);

/// <summary>
/// May a drill run: never while its group has a failover open or a drill running, only for a recording server that is
/// <c>normal_protected</c>, and never when it would leave the group's other recording servers without a ready standby
/// (the drill takes one, so with others in the group two are needed).
/// </summary>
public static class DrillAdmission
{
    public static class Rules
    {
        public const string NotRecordingServer = "drill.not-a-recording-server";
        public const string NotInGroup = "drill.not-in-group";
        public const string FailoverOpen = "drill.failover-open";
        public const string AlreadyRunning = "drill.already-running";
        public const string NotProtected = "drill.not-protected";
        public const string WouldLeaveUnprotected = "drill.would-leave-unprotected";
    }

    public const string NormalProtected = "normal_protected";

    public static Decision Decide(DrillCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var name = candidate.Server.Name;
        if (candidate.Server.Role != ServerRole.Recording)
        {
            return Decision.Refuse(Rules.NotRecordingServer, $"'{name}' is a standby; drills fail recording servers over.");
        }

        if (candidate.Server.Group is null)
        {
            return Decision.Refuse(Rules.NotInGroup, $"'{name}' is not in a failover group.");
        }

        if (candidate.GroupHasRunningDrill)
        {
            return Decision.Refuse(Rules.AlreadyRunning, $"A drill is already running in the group of '{name}'; one drill runs per group at a time.");
        }

        if (candidate.GroupHasOpenFailover)
        {
            return Decision.Refuse(Rules.FailoverOpen, $"The group of '{name}' has a failover open; a drill waits until every failover of the group has ended.");
        }

        if (candidate.StatusCode != NormalProtected)
        {
            return Decision.Refuse(Rules.NotProtected, $"'{name}' is {candidate.StatusCode}; a drill needs it normal_protected (working, with a ready standby).");
        }

        var needed = candidate.OtherRecordingServers > 0 ? 2 : 1;
        if (candidate.ReadyStandbys < needed)
        {
            return Decision.Refuse(Rules.WouldLeaveUnprotected,
                $"The drill would take the group's only ready standby and leave {candidate.OtherRecordingServers} other recording server(s) unprotected; it needs {needed} ready standbys, the group has {candidate.ReadyStandbys}.");
        }

        return Decision.Allowed;
    }
}

using Vigil.Domain.Health;
using Vigil.Domain.Inventory;
using Vigil.Domain.Planning;
using Vigil.Domain.Status;

namespace Vigil.Domain.Failover;

/// <summary>
/// One round of the failover engine without its I/O: turns health into inputs (a recovered original
/// fails back, a lost standby is replaced, an original failing again during failback is retaken), opens
/// episodes for newly failed recording servers, and lets the <see cref="TakeoverPlanner"/> give waiting
/// episodes a standby. Every input is checked against the state machine, and later steps see the
/// episodes as earlier decisions leave them, so the CMS can apply the decisions in order.
/// <para>
/// A round plans nothing for a group in which it begins an episode: the begun episodes have no id yet, and
/// planning the group's older ones without them could give a lower-priority server the standby a newly failed
/// higher-priority one needs. The CMS runs the next round as soon as the ledger changes, and plans them all
/// together. Standbys serve only their own group, so the other groups are planned meanwhile. A round begins at
/// most <see cref="MostBegunPerRound"/> episodes, finishing the last group it began in: when a thousand servers
/// fail at once, each begin is a commit, and the first takeovers need not wait for the last begin.
/// </para>
/// </summary>
public sealed class FailoverDecider(TimeProvider time)
{
    /// <summary>Why a waiting episode gets no standby when its recording server has left the inventory or its group.</summary>
    public const string NotInProtectedGroupReason = "the recording server is no longer in a group with protection on";

    /// <summary>How many episodes one round begins, beyond which it only finishes the groups it began in.</summary>
    public const int MostBegunPerRound = 64;

    private readonly FailoverStateMachine _machine = new(time);

    public IReadOnlyList<FailoverDecision> Decide(FailoverSituation situation)
    {
        ArgumentNullException.ThrowIfNull(situation);
        var round = new DecisionRound(situation, _machine);
        var leftAlone = FollowHealth(situation, round);
        var begunIn = DetectFailures(situation, round);
        AssignStandbys(situation, round, leftAlone, begunIn);

        return round.Decisions;
    }

    /// <returns>Episodes of disabled, failed servers whose footage waits on standbys: nothing is decided for them.</returns>
    private static HashSet<EpisodeId> FollowHealth(FailoverSituation situation, DecisionRound round)
    {
        var leftAlone = new HashSet<EpisodeId>();
        foreach (var episode in round.Open.ToList())
        {
            var original = situation.HealthOf(episode.RecordingServer);
            var waiting = episode.Phase is FailoverPhase.Detected or FailoverPhase.Assigning;
            if (waiting && round.Find(episode.RecordingServer) is { Enabled: false })
            {
                // Stopping would discard footage nobody chose to discard; the disabled original takes it home instead.
                if (episode.FootageOn.Count == 0)
                {
                    round.Offer(episode, new StopFailover(Confirmed: true));
                }
                else if (original != HealthState.Failed)
                {
                    round.Offer(episode, new OriginalRecovered());
                }
                else
                {
                    leftAlone.Add(episode.Id);
                }

                continue;
            }

            var originalBack = original is HealthState.Healthy or HealthState.Recovered;
            if (waiting && episode.Origin == FailoverOrigin.Automatic && originalBack)
            {
                round.Offer(episode, new OriginalRecovered());
            }
            else if (episode.Phase == FailoverPhase.Active && episode.Standby is { } standby && situation.HealthOf(standby) == HealthState.Failed)
            {
                round.Offer(episode, new StandbyLost(situation.Problems.GetValueOrDefault(standby) ?? "probes fail"));
            }
            else if (episode.Phase == FailoverPhase.Active && originalBack && situation.Settings.AutomaticFailback
                && episode.Origin == FailoverOrigin.Automatic)
            {
                round.Offer(episode, new OriginalRecovered());
            }
            else if (episode.Phase is FailoverPhase.FailingBack or FailoverPhase.Restoring && original == HealthState.Failed
                && round.Find(episode.RecordingServer) is not null)
            {
                round.OfferWithEpoch(episode, epoch => new OriginalFailed(epoch));
            }
        }

        return leftAlone;
    }

    /// <summary>
    /// Begins an episode for every enabled, grouped recording server that failed and has none, up to
    /// <see cref="MostBegunPerRound"/> and then only in the groups already begun in. The conditions
    /// <see cref="FailoverStateMachine.Begin"/> would refuse (protection off, automatic failover off) are checked
    /// here too, so no decision is one the CMS must throw away.
    /// </summary>
    /// <returns>The groups in which an episode begins.</returns>
    private static HashSet<GroupId> DetectFailures(FailoverSituation situation, DecisionRound round)
    {
        var begunIn = new HashSet<GroupId>();
        if (!situation.Settings.AutomaticFailover)
        {
            return begunIn;
        }

        var begun = 0;
        var derivation = new StatusDerivation(situation.CmsVersion, situation.Settings);

        // A set, not a look through the open episodes for each server: a thousand of them open on a site of 10 000 servers
        // made that ten million comparisons every round.
        var inFailover = round.Open.Select(e => e.RecordingServer).ToHashSet();
        foreach (var server in situation.Servers.Where(s => s.Role == ServerRole.Recording && s.Enabled))
        {
            if (server.Group is { } group
                && situation.HealthOf(server.Id) == HealthState.Failed
                && derivation.CanBeProtected(server)
                && !inFailover.Contains(server.Id)
                && situation.Groups.Any(g => g.Id == group && g.ProtectionEnabled)
                && (begun < MostBegunPerRound || begunIn.Contains(group)))
            {
                round.Begin(server.Id);
                begunIn.Add(group);
                begun++;
            }
        }

        return begunIn;
    }

    /// <summary>
    /// Gives every waiting episode the planner's choice, or says why there is none, but in the groups this round
    /// begins episodes in (<paramref name="begunIn"/>). The same reason is not decided again once the episode is
    /// waiting with it, so a quiet round decides nothing.
    /// </summary>
    private static void AssignStandbys(FailoverSituation situation, DecisionRound round, HashSet<EpisodeId> leftAlone, HashSet<GroupId> begunIn)
    {
        var waiting = round.Open
            .Where(e => e.Phase is FailoverPhase.Detected or FailoverPhase.Assigning && !leftAlone.Contains(e.Id) && !begunIn.Contains(e.Group))
            .ToList();
        if (waiting.Count == 0)
        {
            return;
        }

        var derivation = new StatusDerivation(situation.CmsVersion, situation.Settings);
        var plan = TakeoverPlanner.Plan(
            waiting.Select(e => round.Find(e.RecordingServer)).OfType<ManagedServer>().Select(derivation.ToFailed),
            ReadyStandbys(situation, round, derivation));

        // A look-up, not a search of the plan's list for each episode: a thousand episodes waiting without a standby made
        // that a million comparisons a round. The first reason for a server is the one kept, as a search would find it.
        var unprotected = new Dictionary<ServerId, string>();
        foreach (var u in plan.Unprotected)
        {
            unprotected.TryAdd(u.RecordingServer, u.Reason);
        }

        foreach (var episode in waiting)
        {
            if (plan.StandbyFor(episode.RecordingServer) is { } standby)
            {
                round.OfferWithEpoch(episode, epoch => new StandbyChosen(standby, epoch));
                continue;
            }

            var reason = unprotected.GetValueOrDefault(episode.RecordingServer, NotInProtectedGroupReason);
            if (episode.Phase == FailoverPhase.Detected || episode.Note != new EpisodeNote(EpisodeNote.Codes.NoStandby, Detail: reason))
            {
                round.Offer(episode, new NoStandbyAvailable(reason));
            }
        }
    }

    private static List<StandbyCandidate> ReadyStandbys(FailoverSituation situation, DecisionRound round, StatusDerivation derivation)
    {
        var health = situation.Servers.ToDictionary(
            s => s.Id, s => new ServerHealth(situation.HealthOf(s.Id), situation.Problems.GetValueOrDefault(s.Id)));
        var members = situation.Servers.ToLookup(s => s.Group);
        var episodes = round.Open.ToLookup(e => e.Group);
        return situation.Groups
            .SelectMany(g => derivation.ReadyStandbys(new GroupSnapshot(g, members[g.Id].ToList(), health, episodes[g.Id].ToList())))
            .ToList();
    }
}

using Vigil.Domain.Health;
using Vigil.Domain.Inventory;
using Vigil.Domain.Planning;
using Vigil.Domain.Status;

namespace Vigil.Domain.Failover;

/// <summary>Everything one round of the failover engine decides from: inventory, health, open episodes, settings.</summary>
public sealed record FailoverSituation(
    IReadOnlyList<FailoverGroup> Groups,
    IReadOnlyList<ManagedServer> Servers,
    IReadOnlyDictionary<ServerId, ServerHealth> Health,
    IReadOnlyList<FailoverEpisode> Open,
    FailoverSettings Settings,
    Epoch HighestEpoch,
    Version CmsVersion)
{
    public ServerHealth HealthOf(ServerId id) => Health.GetValueOrDefault(id) ?? ServerHealth.Healthy;
}

/// <summary>What a round decided; the engine carries each out as one transaction, in order.</summary>
public abstract record FailoverDecision;

/// <summary>Open an episode for a failed recording server (the state machine may still refuse it).</summary>
public sealed record BeginEpisode(ServerId Server) : FailoverDecision;

/// <summary>Offer an input to an open episode.</summary>
public sealed record ApplyInput(EpisodeId Episode, FailoverInput Input) : FailoverDecision;

/// <summary>
/// The failover engine's round as pure code: health becomes inputs (a failed server opens an episode, a
/// recovered one fails back, a lost standby is replaced, an original failing again is taken over again), and
/// the <see cref="TakeoverPlanner"/> gives waiting episodes a standby. Epochs are handed out above the highest
/// issued, in decision order. An episode begun in this round is planned in the next one (a round later at most).
/// </summary>
public static class FailoverDecider
{
    public static IReadOnlyList<FailoverDecision> Decide(FailoverSituation situation)
    {
        ArgumentNullException.ThrowIfNull(situation);
        var decisions = new List<FailoverDecision>();
        var epoch = situation.HighestEpoch;
        var settings = situation.Settings;
        foreach (var episode in situation.Open)
        {
            var server = situation.Servers.FirstOrDefault(s => s.Id == episode.RecordingServer);
            var original = situation.HealthOf(episode.RecordingServer).State;
            var originalBack = original is HealthState.Healthy or HealthState.Recovered;
            FailoverInput? input = episode.Phase switch
            {
                FailoverPhase.Detected or FailoverPhase.Assigning when server is { Enabled: false } && episode.FootageOn.Count == 0 =>
                    new StopFailover(Confirmed: true),
                FailoverPhase.Detected or FailoverPhase.Assigning when episode.Origin == FailoverOrigin.Automatic && originalBack =>
                    new OriginalRecovered(),
                FailoverPhase.Active when episode.Standby is { } standby && situation.HealthOf(standby).State == HealthState.Failed =>
                    new StandbyLost(situation.HealthOf(standby).Problem ?? "probes fail"),
                FailoverPhase.Active when originalBack && settings.AutomaticFailback && episode.Origin == FailoverOrigin.Automatic =>
                    new OriginalRecovered(),
                FailoverPhase.FailingBack or FailoverPhase.Restoring when original == HealthState.Failed && server is not null =>
                    new OriginalFailed(epoch = epoch.Next()),
                _ => null,
            };
            if (input is not null)
            {
                decisions.Add(new ApplyInput(episode.Id, input));
            }
        }

        foreach (var server in situation.Servers.Where(s => s.Role == ServerRole.Recording && s.Enabled && s.Group is not null))
        {
            if (situation.HealthOf(server.Id).State == HealthState.Failed && situation.Open.All(e => e.RecordingServer != server.Id))
            {
                decisions.Add(new BeginEpisode(server.Id));
            }
        }

        decisions.AddRange(Plan(situation, ref epoch));
        return decisions;
    }

    private static List<FailoverDecision> Plan(FailoverSituation situation, ref Epoch epoch)
    {
        var waiting = situation.Open.Where(e => e.Phase is FailoverPhase.Detected or FailoverPhase.Assigning).ToList();
        var decisions = new List<FailoverDecision>();
        if (waiting.Count == 0)
        {
            return decisions;
        }

        var derivation = new StatusDerivation(situation.CmsVersion, situation.Settings);
        var ready = situation.Groups
            .SelectMany(g => derivation.ReadyStandbys(Snapshot(situation, g)))
            .ToList();
        var failed = waiting
            .Select(e => situation.Servers.FirstOrDefault(s => s.Id == e.RecordingServer))
            .OfType<ManagedServer>()
            .Select(derivation.ToFailed)
            .ToList();
        var plan = TakeoverPlanner.Plan(failed, ready);
        foreach (var episode in waiting)
        {
            if (plan.StandbyFor(episode.RecordingServer) is { } standby)
            {
                epoch = epoch.Next();
                decisions.Add(new ApplyInput(episode.Id, new StandbyChosen(standby, epoch)));
                continue;
            }

            var reason = plan.Unprotected.FirstOrDefault(u => u.RecordingServer == episode.RecordingServer)?.Reason
                ?? "the recording server is no longer in a group with protection on";
            if (episode.Phase == FailoverPhase.Detected || !NoteSays(episode, reason))
            {
                decisions.Add(new ApplyInput(episode.Id, new NoStandbyAvailable(reason)));
            }
        }

        return decisions;
    }

    private static bool NoteSays(FailoverEpisode episode, string reason) => episode.Note == $"unprotected: {reason}";

    private static GroupSnapshot Snapshot(FailoverSituation situation, FailoverGroup group) => new(
        group,
        situation.Servers.Where(s => s.Group == group.Id).ToList(),
        situation.Health,
        situation.Open.Where(e => e.Group == group.Id).ToList());
}

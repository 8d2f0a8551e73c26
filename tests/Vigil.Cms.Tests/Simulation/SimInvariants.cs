using Vigil.Cms.Failover;
using Vigil.Contracts.Agent;
using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Tests.Simulation;

/// <summary>
/// The footage-safety invariants, each with a name, checked against the simulated agents and the CMS's own
/// database after every tick. A broken one is reported by name with what broke it.
/// </summary>
internal sealed class SimInvariants(SimSite site)
{
    /// <summary>Ticks a standby may answer while holding a takeover that is not (or no longer) its own before that is a violation.</summary>
    public const int StaleTakeoverTicks = 2;

    private readonly Dictionary<(string Agent, string Key), int> _staleFor = [];
    private readonly Dictionary<SimAgent, int> _deletionsSeen = [];

    public const string FootageDeletedOnlyWhenHome = "footage-deleted-only-when-home";
    public const string OneRecorderPerEpoch = "one-recorder-per-epoch";
    public const string StaleTakeoverReleased = "stale-takeover-released";
    public const string EpisodesEnd = "episodes-end";
    public const string NoOrphanedFootage = "no-orphaned-footage";
    public const string FailedServerRecordedAgain = "failed-server-recorded-again";
    public const string ProbingGoesOn = "probing-goes-on";

    /// <summary>The invariants that must hold after every tick.</summary>
    public async Task<List<string>> AfterTickAsync()
    {
        var violations = new List<string>();
        var episodes = (await site.EpisodesAsync()).ToDictionary(EpisodeRecords.FootageKey);
        var servers = await site.ServersAsync();
        foreach (var agent in site.Agents.BySerial.Values)
        {
            var seen = _deletionsSeen.GetValueOrDefault(agent);
            foreach (var deletion in agent.Deletions.Skip(seen))
            {
                if (!episodes.TryGetValue(deletion.Owner, out var row))
                {
                    violations.Add($"{FootageDeletedOnlyWhenHome}: {agent.Name} deleted {deletion.Owner}/{deletion.Camera} of no episode");
                    continue;
                }

                var episode = SimSite.ToDomain(row);
                if (deletion.Discard ? !FootageDisposal.Discards(episode) : !IsHome(episode, deletion, servers))
                {
                    violations.Add($"{FootageDeletedOnlyWhenHome}: {agent.Name} deleted {deletion.Owner}/{deletion.Camera} {deletion.Sha256[..8]} "
                        + $"({(deletion.Discard ? "discarded" : "removed as home")}) while episode {row.Id} is {row.Phase}/{row.Resolution}");
                }
            }

            _deletionsSeen[agent] = agent.Deletions.Count;
            foreach (var (key, takeover) in agent.Takeovers)
            {
                var row = episodes.GetValueOrDefault(key);
                var episode = row is null ? null : SimSite.ToDomain(row);
                var id = site.ById.FirstOrDefault(a => a.Value == agent).Key;
                var own = episode is { IsOpen: true } && ServerChangeRules.IsActing(episode, new Domain.ServerId(id)) && takeover.Epoch == episode.Epoch.Value;
                var stale = (agent.Name, key);
                var reachable = agent.Managed && agent.Answers && !site.Agents.Unreadable.Contains(id);
                _staleFor[stale] = own || !reachable ? 0 : _staleFor.GetValueOrDefault(stale) + 1;
                if (_staleFor[stale] > StaleTakeoverTicks)
                {
                    violations.Add($"{StaleTakeoverReleased}: {agent.Name} has answered for {_staleFor[stale]} ticks still recording {key} at epoch {takeover.Epoch}"
                        + $" (episode {(row is null ? "unknown" : $"{row.Phase}, standby {row.StandbyId}, epoch {row.Epoch}")})");
                }
            }
        }

        foreach (var (key, row) in episodes.Where(e => e.Value.IsOpen))
        {
            var holders = site.Agents.BySerial.Values.Count(a => !a.Down && a.Takeovers.TryGetValue(key, out var t) && t.Epoch == row.Epoch);
            if (holders > 1)
            {
                violations.Add($"{OneRecorderPerEpoch}: {holders} standbys record {key} under epoch {row.Epoch}");
            }
        }

        foreach (var server in servers.Where(s => s.Enabled))
        {
            if (site.Board.Describe(server.Id).LastProbe != site.Time.GetUtcNow())
            {
                violations.Add($"{ProbingGoesOn}: {server.Name} was not probed in tick {site.Ticks}");
            }
        }

        return violations;
    }

    /// <summary>Once every fault has stopped and the site had time: nothing open, no standby recording, no footage left on a managed standby.</summary>
    public async Task<List<string>> AtRestAsync()
    {
        var violations = new List<string>();
        foreach (var row in (await site.EpisodesAsync()).Where(e => e.IsOpen))
        {
            violations.Add($"{EpisodesEnd}: episode {row.Id} of {row.RecordingServerName} ({row.Origin}) is still {row.Phase} "
                + $"({EpisodeNote.Parse(row.Note).Code} {EpisodeNote.Parse(row.Note).Detail}; footage on {row.FootageOnJson}, failed {row.FailedStandbysJson})");
        }

        foreach (var agent in site.Agents.BySerial.Values.Where(a => a.Managed))
        {
            foreach (var key in agent.Takeovers.Keys)
            {
                violations.Add($"{EpisodesEnd}: {agent.Name} still records {key}");
            }

            foreach (var footage in agent.Files.Where(f => f.Owner != AgentRoutes.OwnRecordings).GroupBy(f => f.Owner))
            {
                violations.Add($"{NoOrphanedFootage}: {agent.Name} still holds {footage.Count()} files of {footage.Key} "
                    + $"({string.Join(", ", footage.Select(f => f.Camera).Distinct())}, {footage.Min(f => f.End):HH:mm:ss}–{footage.Max(f => f.End):HH:mm:ss})");
            }
        }

        return violations;
    }

    private bool IsHome(FailoverEpisode episode, SimDeletion deletion, List<Vigil.Cms.Storage.ServerRow> servers)
    {
        var target = servers.FirstOrDefault(s => s.Id == episode.RecordingServer.Value);
        return target is not null && site.Agents.BySerial.TryGetValue(target.Serial, out var home)
            && home.Files.Any(f => f.Owner == AgentRoutes.OwnRecordings && f.Camera == deletion.Camera && f.Sha256 == deletion.Sha256
                && RecordingSpan.Holds(f.Start, f.End, deletion.Start, deletion.End));
    }
}

using System.Globalization;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Tests.Simulation;

/// <summary>
/// One seeded schedule: a site, a phase where one random generator decides every fault and operator action
/// tick by tick, a quiet phase where faults stop and the operator finishes what only an operator can (a manual
/// failback, enabling what was disabled), then one clean failure that must be taken over in time. Every
/// decision is written to <see cref="Log"/>, so a failing seed prints what happened and replays exactly.
/// </summary>
internal sealed class SimSchedule(int seed)
{
    public const int FaultTicks = 40;
    public const int QuietTicks = 90;

    /// <summary>What each draw of the generator injects, as counted in the report.</summary>
    private static readonly string[] Kinds =
    [
        "crash", "crash", "crash", "hang", "401", "disk full", "camera unreachable", "credential unreadable", "lost takeover records",
        "failover now", "failover now", "failback", "stop restoration", "replace", "disable/enable", "rename", "clear protection failure",
        "delete standby", "delete group", "clock skew", "standbys out of reach",
    ];

    private readonly Random _random = new(seed);
    private readonly List<(int Until, Action End)> _timed = [];

    public int Seed { get; } = seed;

    public List<string> Log { get; } = [];

    public Dictionary<string, int> Faults { get; } = [];

    public async Task<List<string>> RunAsync()
    {
        await using var site = await SimSite.StartAsync();
        var invariants = new SimInvariants(site);
        var siteB = await site.AddGroupAsync("Site B");
        for (var i = 1; i <= 3; i++)
        {
            await site.AddServerAsync($"rec-{i}", standby: false, site.DefaultGroup, cameras: 2);
        }

        await site.AddServerAsync("sb-1", standby: true, site.DefaultGroup);
        await site.AddServerAsync("sb-2", standby: true, site.DefaultGroup);
        await site.AddServerAsync("rec-4", standby: false, siteB, cameras: 1);
        await site.AddServerAsync("sb-3", standby: true, siteB);

        var violations = new List<string>();
        for (var t = 0; t < FaultTicks && violations.Count == 0; t++)
        {
            EndTimedFaults(site.Ticks);
            if (_random.NextDouble() < 0.4)
            {
                await InjectAsync(site, siteB);
            }

            await site.TickAsync();
            violations.AddRange(await invariants.AfterTickAsync());
        }

        if (violations.Count > 0)
        {
            return violations;
        }

        await HealAsync(site);
        for (var t = 0; t < QuietTicks && violations.Count == 0 && !await AtRestAsync(site, invariants); t++)
        {
            await FinishManualFailoversAsync(site);
            await site.TickAsync();
            violations.AddRange(await invariants.AfterTickAsync());
        }

        violations.AddRange(await invariants.AtRestAsync());
        if (violations.Count == 0)
        {
            violations.AddRange(await RecordedAgainAsync(site, invariants));
        }

        return violations;
    }

    private async Task InjectAsync(SimSite site, int siteB)
    {
        var servers = (await site.ServersAsync()).ToList();
        var agents = site.ById.Where(a => servers.Any(s => s.Id == a.Key)).ToList();
        if (agents.Count == 0)
        {
            return;
        }

        var (id, agent) = agents[_random.Next(agents.Count)];
        var row = servers.First(s => s.Id == id);
        var recording = servers.Where(s => s.Role == AgentInventory.RecordingRole).ToList();
        var kind = _random.Next(Kinds.Length + 1);
        var ticks = _random.Next(1, 7);
        string what;
        switch (kind)
        {
            case 0 or 1 or 2:
                agent.Down = true;
                what = $"crash {agent.Name}";
                Timed(site, ticks + 3, () => agent.Down = false);
                break;
            case 3:
                agent.Hung = true;
                what = $"hang {agent.Name} for {ticks} ticks";
                Timed(site, ticks, () => agent.Hung = false);
                break;
            case 4:
                agent.RejectsCredential = true;
                what = $"401 from {agent.Name} for {ticks} ticks";
                Timed(site, ticks, () => agent.RejectsCredential = false);
                break;
            case 5:
                agent.DiskFull = true;
                what = $"disk full on {agent.Name} for {ticks} ticks";
                Timed(site, ticks, () => agent.DiskFull = false);
                break;
            case 6 when agent.OwnCameras.Count > 0:
                var camera = agent.OwnCameras[0].Id;
                agent.Blocked.Add(camera);
                what = $"{camera} unreachable from {agent.Name} for {ticks + 3} ticks";
                Timed(site, ticks + 3, () => agent.Blocked.Remove(camera));
                break;
            case 7:
                site.Agents.Unreadable.Add(id);
                what = $"credential of {agent.Name} unreadable for {ticks} ticks";
                Timed(site, ticks, () => site.Agents.Unreadable.Remove(id));
                break;
            case 8 when agent.IsStandby:
                agent.ForgetTakeovers();
                what = $"{agent.Name} loses its takeover records";
                break;
            case 9 or 10:
                var target = recording[_random.Next(recording.Count)];
                what = $"failover now {target.Name}: " + await site.OperateAsync<FailoverCommands>(c => c.FailOverNowAsync(target.Id, site.Operator, default));
                break;
            case 11:
                var back = recording[_random.Next(recording.Count)];
                what = $"failback {back.Name}: " + await site.OperateAsync<FailoverCommands>(c => c.FailBackAsync(back.Id, site.Operator, default));
                break;
            case 12:
                var restoring = recording[_random.Next(recording.Count)];
                what = $"stop restoration {restoring.Name}: "
                    + await site.OperateAsync<FailoverCommands>(c => c.StopRestorationAsync(restoring.Id, confirmed: true, site.Operator, default));
                break;
            case 13:
                var replaced = recording[_random.Next(recording.Count)];
                var with = servers[_random.Next(servers.Count)];
                what = $"replace {replaced.Name} with {with.Name}: "
                    + await site.OperateAsync<FailoverCommands>(c => c.ReplaceAsync(replaced.Id, with.Id, site.Operator, default));
                if (what.EndsWith("done", StringComparison.Ordinal))
                {
                    site.ById[replaced.Id].Managed = false;
                }

                break;
            case 14:
                var enable = !row.Enabled;
                what = $"{(enable ? "enable" : "disable")} {row.Name}: "
                    + await site.OperateAsync<ServerService>(s => s.SetEnabledAsync(id, enable, confirmed: true, site.Operator, default));
                break;
            case 15:
                var name = $"{row.Name}x";
                what = $"rename {row.Name}: "
                    + await site.OperateAsync<ServerService>(s => s.EditAsync(id, new EditServerRequest(Name: name), confirmed: true, site.Operator, default));
                break;
            case 16:
                what = $"clear protection failure of {row.Name}: "
                    + await site.OperateAsync<FailoverCommands>(c => c.ClearProtectionFailureAsync(id, site.Operator, default));
                break;
            case 17 when agent.IsStandby:
                what = $"delete {row.Name}: " + await site.OperateAsync<ServerService>(s => s.DeleteAsync(id, site.Operator, confirmed: true, default));
                if (what.EndsWith("done", StringComparison.Ordinal))
                {
                    agent.Managed = false;
                }

                break;
            case 19:
                agent.Skew = TimeSpan.FromSeconds(_random.Next(-60, 61));
                what = string.Create(CultureInfo.InvariantCulture, $"clock of {agent.Name} off by {agent.Skew.TotalSeconds:0} s");
                break;
            case 20:
                agent.PeersUnreachable = true;
                what = $"{agent.Name} cannot reach the other servers for {ticks} ticks";
                Timed(site, ticks, () => agent.PeersUnreachable = false);
                break;
            case 18 when _random.Next(4) == 0:
                what = "delete Site B: " + await site.OperateAsync<GroupService>(g => g.DeleteAsync(siteB, site.Operator, confirmed: true, default));
                break;
            default:
                return;
        }

        var fault = Kinds[kind];
        Faults[fault] = Faults.GetValueOrDefault(fault) + 1;
        Log.Add(string.Create(CultureInfo.InvariantCulture, $"t={site.Ticks} {what}"));
    }

    private void Timed(SimSite site, int ticks, Action end) => _timed.Add((site.Ticks + ticks, end));

    private void EndTimedFaults(int now)
    {
        foreach (var fault in _timed.Where(f => f.Until <= now).ToList())
        {
            fault.End();
            _timed.Remove(fault);
        }
    }

    /// <summary>Faults stop: every agent up and answering, and what only an operator can undo is undone.</summary>
    private async Task HealAsync(SimSite site)
    {
        foreach (var (_, end) in _timed)
        {
            end();
        }

        _timed.Clear();
        site.Agents.Unreadable.Clear();
        foreach (var agent in site.Agents.BySerial.Values)
        {
            agent.Down = agent.Hung = agent.RejectsCredential = agent.DiskFull = agent.PeersUnreachable = false;
            agent.Blocked.Clear();
        }

        foreach (var server in await site.ServersAsync())
        {
            if (!server.Enabled)
            {
                await site.OperateAsync<ServerService>(s => s.SetEnabledAsync(server.Id, true, confirmed: true, site.Operator, default));
            }

            if (server.ProtectionFailedFor is not null)
            {
                await site.OperateAsync<FailoverCommands>(c => c.ClearProtectionFailureAsync(server.Id, site.Operator, default));
            }
        }

        Log.Add($"t={site.Ticks} faults stop");
    }

    /// <summary>A manual failover waits for a manual failback: the operator gives it once the server is back.</summary>
    private static async Task FinishManualFailoversAsync(SimSite site)
    {
        foreach (var episode in site.Ledger.Open.Where(e => e.Origin == FailoverOrigin.Manual
            && e.Phase is FailoverPhase.Active or FailoverPhase.Detected or FailoverPhase.Assigning))
        {
            await site.OperateAsync<FailoverCommands>(c => c.FailBackAsync(episode.RecordingServer.Value, site.Operator, default));
        }
    }

    private static async Task<bool> AtRestAsync(SimSite site, SimInvariants invariants) => (await invariants.AtRestAsync()).Count == 0;

    /// <summary>With every fault gone, a recording server that dies is recorded again within the detection window and a takeover.</summary>
    private async Task<List<string>> RecordedAgainAsync(SimSite site, SimInvariants invariants)
    {
        var servers = await site.ServersAsync();
        var candidate = servers.FirstOrDefault(s => s.Role == AgentInventory.RecordingRole && s.Enabled && s.GroupId == site.DefaultGroup
            && servers.Any(b => b.Role == AgentInventory.StandbyRole && b.Enabled && b.GroupId == site.DefaultGroup));
        if (candidate is null)
        {
            Log.Add("no recording server with a standby left to fail");
            return [];
        }

        // The CMS copies each agent's inventory every 10 s: a standby cleaned a moment ago is known to be empty (ready) only then.
        for (var t = 0; t < 11 && !await site.HasReadyStandbyAsync(site.DefaultGroup); t++)
        {
            await site.TickAsync();
        }

        var agent = site.ById[candidate.Id];
        agent.Down = true;
        Log.Add($"t={site.Ticks} clean failure of {candidate.Name}");
        const int bound = SimSiteDefaults.Misses + 3;
        var key = string.Empty;
        for (var t = 0; t < bound && key.Length == 0; t++)
        {
            await site.TickAsync();
            key = site.Ledger.OpenFor(new Domain.ServerId(candidate.Id)) is { } open && open.Phase == FailoverPhase.Active
                ? open.FootageKey : string.Empty;
        }

        if (key.Length == 0)
        {
            return [$"{SimInvariants.FailedServerRecordedAgain}: {candidate.Name} was not taken over within {bound} ticks"];
        }

        agent.Down = false;
        var violations = new List<string>();
        for (var t = 0; t < QuietTicks && violations.Count == 0 && !await AtRestAsync(site, invariants); t++)
        {
            await site.TickAsync();
            violations.AddRange(await invariants.AfterTickAsync());
        }

        violations.AddRange(await invariants.AtRestAsync());
        return violations;
    }
}

/// <summary>The failover settings the simulated site runs with (the CMS defaults: 1 s probes, 3 misses; 3 s stabilisation).</summary>
internal static class SimSiteDefaults
{
    public const int Misses = 3;
}

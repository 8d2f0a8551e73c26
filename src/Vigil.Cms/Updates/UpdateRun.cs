using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Failover;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Domain;
using Vigil.Domain.Failover;
using Vigil.Domain.Health;
using Vigil.Domain.Updates;
using Vigil.Hosting.Updates;

namespace Vigil.Cms.Updates;

/// <summary>
/// One server's update from the step it is at to its end. Rolling: a planned failover hands the cameras to a standby
/// (make before break, as a drill does), the agent is updated, and the failover is failed back, which brings the standby's
/// footage home by checksum: the camera timeline has no gap. In place: the agent is updated where it stands. Every step is
/// written before it is acted on, and each is safe to repeat, so a CMS that restarts anywhere goes on from the stored step:
/// an adopted failover is not begun twice, and a package already sent is asked about, not sent again.
/// </summary>
internal sealed class UpdateRun(
    long id,
    CmsDbContext db,
    FailoverLedger ledger,
    HealthBoard board,
    IAgentConnections agents,
    IServiceScopeFactory scopes,
    UpdatePackageStore packages,
    OnlineFeed feed,
    TrustedUpdateKeys keys,
    TimeProvider time,
    ILogger<UpdateRunner> logger)
{
    /// <summary>How long a standby is given to take the cameras over before the update is called off (nothing changed yet).</summary>
    public static readonly TimeSpan HandOverWait = TimeSpan.FromSeconds(90);

    /// <summary>How long the agent is given, from the package sent, to say how its update ended (restart and health check included).</summary>
    public static readonly TimeSpan AgentWait = TimeSpan.FromMinutes(5);

    /// <summary>How long an updated recording server is given to work again before the standby hands its cameras back anyway.</summary>
    public static readonly TimeSpan HealthyWait = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan Look = TimeSpan.FromMilliseconds(500);

    private ServerUpdateRow _row = null!;

    public async Task ExecuteAsync(CancellationToken stopping)
    {
        _row = await db.ServerUpdates.FirstAsync(u => u.Id == id, stopping).ConfigureAwait(false);
        while (_row.IsOpen)
        {
            var step = UpdateSteps.Parse(_row.Step);
            switch (step)
            {
                case UpdateStep.Downloading:
                    await DownloadAsync(stopping).ConfigureAwait(false);
                    break;
                case UpdateStep.HandingOver:
                    await HandOverAsync(stopping).ConfigureAwait(false);
                    break;
                case UpdateStep.Updating:
                    await UpdateAgentAsync(stopping).ConfigureAwait(false);
                    break;
                case UpdateStep.HandingBack:
                    await HandBackAsync(stopping).ConfigureAwait(false);
                    break;
                default:
                    throw new InvalidOperationException($"Update {id} is open at step {_row.Step}, which the runner does not start.");
            }
        }
    }

    private bool Rolling => _row.Route == "rolling";

    private async Task DownloadAsync(CancellationToken stopping)
    {
        try
        {
            var package = await feed.FetchAsync(_row.ToVersion, stopping).ConfigureAwait(false);
            _row.PackageId = package.Id;
            await MoveAsync(Rolling ? UpdateStep.HandingOver : UpdateStep.Updating,
                Rolling ? $"package {package.Version} fetched and verified; a standby takes the cameras over" : UpdateRunner.InPlaceDetail, stopping)
                .ConfigureAwait(false);
        }
        catch (RefusedException e)
        {
            await EndAsync(UpdateStep.Failed, $"the package could not be fetched from the online feed: {e.Message}", stopping).ConfigureAwait(false);
        }
    }

    private async Task HandOverAsync(CancellationToken stopping)
    {
        var server = new ServerId(_row.ServerId);
        if (_row.EpisodeId is null)
        {
            // A failover of this server already open (begun just before a restart, or by someone else) is the one to wait for.
            if (ledger.OpenFor(server) is not { } episode)
            {
                try
                {
                    await OnFailoversAsync(f => f.FailOverNowAsync(_row.ServerId, UpdateRunner.Actor, stopping)).ConfigureAwait(false);
                }
                catch (RefusedException e)
                {
                    await EndAsync(UpdateStep.Failed, $"no standby could take the cameras over ({e.Message}); nothing was changed", stopping).ConfigureAwait(false);
                    return;
                }

                episode = ledger.OpenFor(server)!;
            }

            _row.EpisodeId = episode.Id.Value;
            await db.SaveChangesAsync(stopping).ConfigureAwait(false);
        }

        var since = time.GetUtcNow();
        while (true)
        {
            if (ledger.Find(new EpisodeId(_row.EpisodeId.Value)) is not { } open)
            {
                await EndAsync(UpdateStep.Failed, "the planned failover ended before a standby recorded the cameras; nothing was changed", stopping).ConfigureAwait(false);
                return;
            }

            if (open.Episode.Phase == FailoverPhase.Active)
            {
                await MoveAsync(UpdateStep.Updating, "a standby records the cameras; sending the package to the agent", stopping).ConfigureAwait(false);
                return;
            }

            if (time.GetUtcNow() - since > HandOverWait)
            {
                await FailBackQuietlyAsync(stopping).ConfigureAwait(false);
                await EndAsync(UpdateStep.Failed, $"no standby took the cameras over within {HandOverWait.TotalSeconds:0} s; nothing was changed", stopping)
                    .ConfigureAwait(false);
                return;
            }

            await Task.Delay(Look, time, stopping).ConfigureAwait(false);
        }
    }

    private async Task UpdateAgentAsync(CancellationToken stopping)
    {
        var server = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == _row.ServerId, stopping).ConfigureAwait(false);
        if (server is null)
        {
            await FinishAsync(UpdateStep.Failed, "the server was removed during its update", stopping).ConfigureAwait(false);
            return;
        }

        var agent = agents.For(server);
        if (_row.SentAt is null)
        {
            if (await SendAsync(agent, stopping).ConfigureAwait(false) is { } refused)
            {
                await FinishAsync(UpdateStep.Failed, refused, stopping).ConfigureAwait(false);
            }

            return;
        }

        while (true)
        {
            var status = await StatusAsync(agent, stopping).ConfigureAwait(false);
            if (status is not null && AgentOutcome(status) is { } outcome)
            {
                await FinishAsync(outcome.Step, outcome.Detail, stopping).ConfigureAwait(false);
                return;
            }

            if (status is not null && NeverArrived(status))
            {
                // Only a CMS that stopped while sending gets here (a send that returned was taken): the package goes again.
                var note = $"the agent holds nothing of {_row.ToVersion} ({status.State}); the package never arrived whole and is sent again";
                UpdateRunner.LogNote(logger, _row.Id, _row.ServerName, note);
                _row.SentAt = null;
                await db.SaveChangesAsync(stopping).ConfigureAwait(false);
                return;
            }

            if (time.GetUtcNow() - _row.SentAt.Value > AgentWait)
            {
                await FinishAsync(UpdateStep.Failed,
                    $"the agent did not report the end of its update within {AgentWait.TotalMinutes:0} min of receiving it (last: {status?.State ?? "no answer"}); look at its log",
                    stopping).ConfigureAwait(false);
                return;
            }

            var detail = status is null ? "the agent restarts (not answering)" : $"agent: {status.State.Replace('_', ' ')}";
            if (detail != _row.Detail)
            {
                _row.Detail = detail;
                await db.SaveChangesAsync(stopping).ConfigureAwait(false);
            }

            await Task.Delay(Look, time, stopping).ConfigureAwait(false);
        }
    }

    /// <summary>The end of the agent's part as its status tells it, or null while it is not over.</summary>
    private (UpdateStep Step, string Detail)? AgentOutcome(AgentUpdateStatus status)
    {
        if (status.ToVersion != _row.ToVersion)
        {
            return status.RunningVersion == _row.ToVersion ? (UpdateStep.Done, $"the agent runs {_row.ToVersion}") : null;
        }

        return status.State switch
        {
            AgentUpdateStates.Updated when status.RunningVersion == _row.ToVersion => (UpdateStep.Done, $"the agent runs {_row.ToVersion} and passed its health check"),
            AgentUpdateStates.RolledBack => (UpdateStep.RolledBack,
                $"{_row.ToVersion} failed its health check and the agent went back to {status.RunningVersion}: {status.Reason ?? "no reason given"}"),
            AgentUpdateStates.Failed => (UpdateStep.Failed, $"the agent could not install {_row.ToVersion}: {status.Reason ?? "no reason given"}"),
            _ => null,
        };
    }

    /// <summary>
    /// Whether the agent shows nothing of this update: it does not run the version, is not in the middle of an update, and its
    /// last update (if any) named another version or none (a package cut off before its manifest was read).
    /// </summary>
    private bool NeverArrived(AgentUpdateStatus status) =>
        status.RunningVersion != _row.ToVersion
        && status.ToVersion != _row.ToVersion
        && status.State is AgentUpdateStates.Idle or AgentUpdateStates.Failed or AgentUpdateStates.Updated or AgentUpdateStates.RolledBack;

    /// <summary>Sends the package; null once the agent took it, else why it refused.</summary>
    private async Task<string?> SendAsync(IAgentApi agent, CancellationToken stopping)
    {
        var (package, file) = await packages.FindAsync(_row.PackageId!.Value, stopping).ConfigureAwait(false);

        // Written before it is sent: a restart in between asks the agent, which either has it or reports nothing of it.
        _row.SentAt = time.GetUtcNow();
        _row.Detail = $"sending package {package.Version} ({package.Bytes / (1024 * 1024)} MiB) to the agent";
        await db.SaveChangesAsync(stopping).ConfigureAwait(false);
        try
        {
            var content = File.OpenRead(file);
            await using (content.ConfigureAwait(false))
            {
                var status = await agent.SendUpdateAsync(content, package.Bytes, keys.SubjectPublicKeyInfos, stopping).ConfigureAwait(false);
                _row.Detail = $"agent: {status.State.Replace('_', ' ')}";
                await db.SaveChangesAsync(stopping).ConfigureAwait(false);
                var note = $"package sent; {_row.Detail}";
                UpdateRunner.LogNote(logger, _row.Id, _row.ServerName, note);
                return null;
            }
        }
        catch (AgentCallException e) when (e.Rule == UpdateRules.Busy)
        {
            // Another update (or the end of a cut-off one) holds the agent: watched like this one until it ends, then sent again.
            var note = $"the agent is busy ({e.Message}); waiting for it before sending again";
            UpdateRunner.LogNote(logger, _row.Id, _row.ServerName, note);
            return null;
        }
        catch (AgentCallException e) when (e.Rule is not (AgentCallException.Rules.Unreachable or AgentCallException.Rules.ClientClosed))
        {
            return $"the agent refused the package: {e.Message}";
        }
    }

    private static async Task<AgentUpdateStatus?> StatusAsync(IAgentApi agent, CancellationToken stopping)
    {
        try
        {
            return await agent.UpdateStatusAsync(stopping).ConfigureAwait(false);
        }
        catch (AgentCallException)
        {
            // Restarting: not answering is expected for a while.
            return null;
        }
    }

    /// <summary>Ends the agent's part: in place that is the end; rolling, the cameras go back first (whatever the outcome).</summary>
    private async Task FinishAsync(UpdateStep outcome, string detail, CancellationToken stopping)
    {
        if (!Rolling)
        {
            await EndAsync(outcome, detail, stopping).ConfigureAwait(false);
            return;
        }

        _row.Outcome = outcome.Code();
        _row.Reason = outcome == UpdateStep.Done ? null : detail;
        await MoveAsync(UpdateStep.HandingBack, $"{detail}; handing the cameras back", stopping).ConfigureAwait(false);
    }

    private async Task HandBackAsync(CancellationToken stopping)
    {
        var outcome = _row.Outcome is { } stored ? UpdateSteps.Parse(stored) : UpdateStep.Failed;
        var since = time.GetUtcNow();
        while (_row.EpisodeId is { } episodeId && ledger.Find(new EpisodeId(episodeId)) is { } open)
        {
            if (open.Episode.Phase == FailoverPhase.Active)
            {
                // Healthy, or stable again after the restart counted as a failure (Recovered): the engine's own failback condition.
                var healthy = board.HealthOf(_row.ServerId).State is HealthState.Healthy or HealthState.Recovered;
                if (healthy || time.GetUtcNow() - since > HealthyWait)
                {
                    await FailBackQuietlyAsync(stopping).ConfigureAwait(false);
                }
            }
            else
            {
                var detail = open.Episode.Phase switch
                {
                    FailoverPhase.Restoring => $"handing back: copying the standby's footage home ({open.Episode.Restore.Fraction * 100:0}%)",
                    FailoverPhase.Cleaning => "handing back: removing the footage from the standby",
                    _ => "handing back: the server records again, the standby stops",
                };
                if (detail != _row.Detail)
                {
                    _row.Detail = detail;
                    await db.SaveChangesAsync(stopping).ConfigureAwait(false);
                }
            }

            await Task.Delay(Look, time, stopping).ConfigureAwait(false);
        }

        var reason = _row.Reason ?? $"the agent runs {_row.ToVersion}; its cameras are back and the standby's footage is home";
        await EndAsync(outcome, outcome == UpdateStep.Done ? reason : $"{reason}; the cameras are back", stopping).ConfigureAwait(false);
    }

    /// <summary>Asks for the failback; a refusal (someone else acted, the server still failed) is left to the engine and the operators, and looked at again.</summary>
    private async Task FailBackQuietlyAsync(CancellationToken stopping)
    {
        try
        {
            await OnFailoversAsync(f => f.FailBackAsync(_row.ServerId, UpdateRunner.Actor, stopping)).ConfigureAwait(false);
        }
        catch (RefusedException e)
        {
            var note = $"the failback was refused: {e.Message}";
            UpdateRunner.LogNote(logger, _row.Id, _row.ServerName, note);
        }
    }

    /// <summary>
    /// Runs a failover command in a scope (and database context) of its own: the command commits its own transaction, which must
    /// neither carry nor disturb this run's tracked update row.
    /// </summary>
    private async Task OnFailoversAsync(Func<FailoverCommands, Task> command)
    {
        await using var scope = scopes.CreateAsyncScope();
        await command(scope.ServiceProvider.GetRequiredService<FailoverCommands>()).ConfigureAwait(false);
    }

    private async Task MoveAsync(UpdateStep step, string detail, CancellationToken stopping)
    {
        var from = _row.Step;
        _row.Step = step.Code();
        _row.Detail = detail;
        db.Events.Add(UpdateEvents.Step(_row, from, step, detail, time.GetUtcNow()));
        await db.SaveChangesAsync(stopping).ConfigureAwait(false);
        UpdateRunner.LogStep(logger, _row.Id, _row.ServerName, step, detail);
    }

    private async Task EndAsync(UpdateStep step, string reason, CancellationToken stopping)
    {
        UpdateRunner.End(db, _row, step, reason, time, logger);
        await db.SaveChangesAsync(stopping).ConfigureAwait(false);
    }
}

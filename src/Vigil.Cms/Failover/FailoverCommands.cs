using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Agents;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Domain;
using Vigil.Domain.Failover;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;
using Vigil.Domain.Status;

namespace Vigil.Cms.Failover;

/// <summary>
/// What operators ask of failovers: fail over now, fail back now, stop a restoration, replace the
/// protected server. Each goes through the state machine, which refuses what the phase does not allow,
/// and is one transaction with its event log entry (a refused request writes nothing). No agent is
/// called under the inventory lock: replace decides under it, calls the agent outside it, then checks
/// under it again that the failover is where it was before committing.
/// </summary>
internal sealed class FailoverCommands(
    CmsDbContext db,
    InventoryLock inventoryLock,
    FailoverLedger ledger,
    LeaderEpochs epochs,
    HealthBoard board,
    SettingsStore settings,
    IAgentConnections agents,
    CameraSecrets cameraSecrets,
    Sessions sessions,
    TimeProvider time)
{
    public const string NotInFailoverRule = "failover.not-in-failover";
    public const string MovedOnRule = "failover.moved-on";

    public Task FailOverNowAsync(int serverId, Caller caller, CancellationToken cancellationToken) =>
        FailOverNowAsync(serverId, caller?.UserName ?? throw new ArgumentNullException(nameof(caller)), cancellationToken);

    /// <summary>Fails over on behalf of <paramref name="actor"/>: a user, or the update runner handing cameras to a standby before an update.</summary>
    public async Task FailOverNowAsync(int serverId, string actor, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                var row = await FindAsync(serverId, cancellationToken).ConfigureAwait(false);
                var group = row.GroupId is { } id ? await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == id, cancellationToken).ConfigureAwait(false) : null;
                if (group is null)
                {
                    throw new RefusedException(FailoverStateMachine.Rules.NotInGroup, $"'{row.Name}' is not in a failover group.", StatusCodes.Status409Conflict);
                }

                db.Events.Add(EventLog.Operator(row.Id, row.Name, "failover now", "manual failover requested", actor, time.GetUtcNow()));
                Refuse(await ledger.BeginAsync(db, AgentInventory.ToDomain(row), AgentInventory.ToDomain(group), FailoverOrigin.Manual,
                    settings.Failover.AutomaticFailover, actor, cancellationToken).ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task FailBackAsync(int serverId, Caller caller, CancellationToken cancellationToken) =>
        FailBackAsync(serverId, caller?.UserName ?? throw new ArgumentNullException(nameof(caller)), cancellationToken);

    /// <summary>Fails back on behalf of <paramref name="actor"/>: a user, or the drill runner ending its drill.</summary>
    public async Task FailBackAsync(int serverId, string actor, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                var (row, episode) = await OpenEpisodeAsync(serverId, cancellationToken).ConfigureAwait(false);
                db.Events.Add(EventLog.Operator(row.Id, row.Name, "failback", "manual failback requested", actor, time.GetUtcNow()));
                var functional = board.HealthOf(serverId).State != HealthState.Failed;
                Refuse(await ledger.ApplyAsync(db, episode.Id, new ManualFailback(functional), actor, cancellationToken).ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopRestorationAsync(int serverId, bool confirmed, Caller caller, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                var (row, episode) = await OpenEpisodeAsync(serverId, cancellationToken).ConfigureAwait(false);
                var stop = new StopRestoration(confirmed);

                // The phase and the confirmation are checked first, then the first admin's re-authentication: the footage left
                // on the standby is discarded, so both must hold before anything changes.
                Refuse(new FailoverStateMachine(time).Apply(episode, stop));
                await sessions.RequireReauthenticationAsync(caller, $"Stopping the restoration of '{row.Name}'", cancellationToken).ConfigureAwait(false);
                Refuse(await ledger.ApplyAsync(db, episode.Id, stop, caller.UserName, cancellationToken).ConfigureAwait(false));
                Log(row, "stop restoration", FailoverStateMachine.FootageRemovalWarning, caller);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Replaces the protected server: with the acting standby (it records the cameras as its own, then its
    /// takeover is released) or with another recording server in normal status (its cameras are replaced by
    /// the original's, then the standby hands over make before break). The original is removed; its name,
    /// configuration and licenses move to the replacement.
    /// </summary>
    public async Task ReplaceAsync(int serverId, int withServerId, Caller caller, CancellationToken cancellationToken)
    {
        ServerRow original;
        ServerRow replacement;
        FailoverLedger.OpenEpisode decided;
        bool byStandby;
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            (original, replacement, decided, byStandby) = await DecideReplaceAsync(serverId, withServerId, cancellationToken).ConfigureAwait(false);
        }

        var epoch = await epochs.CurrentAsync(db, cancellationToken).ConfigureAwait(false);
        await HandOverAsync(original, replacement, decided.Episode, byStandby, epoch, cancellationToken).ConfigureAwait(false);

        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                var (originalNow, replacementNow, now, _) = await DecideReplaceAsync(serverId, withServerId, cancellationToken).ConfigureAwait(false);
                if (now.Version != decided.Version)
                {
                    throw new RefusedException(MovedOnRule,
                        $"The failover of '{originalNow.Name}' moved on while '{replacementNow.Name}' was being prepared; look at it again and repeat the replace.",
                        StatusCodes.Status409Conflict);
                }

                Log(originalNow, "replace", $"replaced by '{replacementNow.Name}'", caller);
                db.Servers.Remove(originalNow);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                replacementNow.Name = originalNow.Name;
                replacementNow.Role = AgentInventory.RecordingRole;
                replacementNow.GroupId = originalNow.GroupId;
                replacementNow.Priority = originalNow.Priority;
                replacementNow.CamerasJson = originalNow.CamerasJson;
                replacementNow.LicenseChannels = originalNow.LicenseChannels;
                replacementNow.ProtectionFailedFor = null;
                replacementNow.ProtectionFailureReason = null;
                replacementNow.ProtectionFailedAt = null;
                Refuse(await ledger.ApplyAsync(db, now.Episode.Id, ReplaceInput(now.Episode, withServerId, byStandby, normal: true), caller.UserName,
                    cancellationToken, now.Version).ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
        }

        agents.Forget(serverId);
        board.Forget(serverId);
    }

    /// <summary>Clears a standby's failed takeover, so it counts as ready again.</summary>
    public async Task ClearProtectionFailureAsync(int serverId, Caller caller, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                var row = await FindAsync(serverId, cancellationToken).ConfigureAwait(false);
                row.ProtectionFailedFor = null;
                row.ProtectionFailureReason = null;
                row.ProtectionFailedAt = null;
                Log(row, "clear protection failure", "the operator cleared the failed takeover", caller);
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Checks a replace against the state machine, without changing anything.</summary>
    private async Task<(ServerRow Original, ServerRow Replacement, FailoverLedger.OpenEpisode Episode, bool ByStandby)> DecideReplaceAsync(
        int serverId, int withServerId, CancellationToken cancellationToken)
    {
        var (original, episode) = await OpenEpisodeAsync(serverId, cancellationToken).ConfigureAwait(false);
        var replacement = await db.Servers.FirstOrDefaultAsync(s => s.Id == withServerId, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(ServerService.Rules.NotFound, $"There is no server with id {withServerId}.", StatusCodes.Status404NotFound);
        var byStandby = episode.Standby?.Value == withServerId;
        var normal = byStandby || await IsNormalRecordingServerAsync(replacement, cancellationToken).ConfigureAwait(false);
        Refuse(new FailoverStateMachine(time).Apply(episode, ReplaceInput(episode, withServerId, byStandby, normal)));
        var open = ledger.Find(episode.Id) ?? throw new RefusedException(NotInFailoverRule, $"'{original.Name}' is not in a failover.", StatusCodes.Status409Conflict);
        return (original, replacement, open, byStandby);
    }

    private static FailoverInput ReplaceInput(FailoverEpisode episode, int withServerId, bool byStandby, bool normal) => byStandby
        ? new ReplaceWithActingStandby()
        : new ReplaceWithServer(new ServerId(withServerId), normal);

    /// <summary>The replacement takes the original's cameras and licenses (its own cameras go, for another recording server).</summary>
    private async Task HandOverAsync(ServerRow original, ServerRow replacement, FailoverEpisode episode, bool byStandby, Epoch epoch, CancellationToken cancellationToken)
    {
        var client = agents.For(replacement);
        try
        {
            if (byStandby)
            {
                await FailoverSteps.AddMissingCamerasAsync(client, cameraSecrets.Open(original), cancellationToken).ConfigureAwait(false);
                await client.ReleaseAsync(episode.FootageKey, epoch.Value, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                foreach (var camera in await client.CamerasAsync(cancellationToken).ConfigureAwait(false))
                {
                    await client.RemoveCameraAsync(camera.Id, cancellationToken).ConfigureAwait(false);
                }

                await FailoverSteps.AddMissingCamerasAsync(client, cameraSecrets.Open(original), cancellationToken).ConfigureAwait(false);
            }

            await client.MoveLicensesAsync(original.LicenseChannels, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw new RefusedException(e.Rule, $"'{replacement.Name}' could not take over the configuration of '{original.Name}': {e.Message}",
                StatusCodes.Status502BadGateway);
        }
    }

    private async Task<bool> IsNormalRecordingServerAsync(ServerRow row, CancellationToken cancellationToken)
    {
        if (AgentInventory.RoleOf(row) != ServerRole.Recording || ledger.OpenFor(new ServerId(row.Id)) is not null)
        {
            return false;
        }

        var inventory = await InventorySnapshot.ReadAsync(db, cancellationToken).ConfigureAwait(false);
        var statuses = inventory.Statuses(new StatusDerivation(VigilVersion.Current, settings.Failover), board, ledger.Open);
        return statuses.GetValueOrDefault(new ServerId(row.Id))?.Code is "normal_protected" or "normal_unprotected";
    }

    private async Task<(ServerRow Row, FailoverEpisode Episode)> OpenEpisodeAsync(int serverId, CancellationToken cancellationToken)
    {
        var row = await FindAsync(serverId, cancellationToken).ConfigureAwait(false);
        var episode = ledger.OpenFor(new ServerId(serverId))
            ?? throw new RefusedException(NotInFailoverRule, $"'{row.Name}' is not in a failover.", StatusCodes.Status409Conflict);
        return (row, episode);
    }

    private async Task<ServerRow> FindAsync(int id, CancellationToken cancellationToken) =>
        await db.Servers.FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false)
        ?? throw new RefusedException(ServerService.Rules.NotFound, $"There is no server with id {id}.", StatusCodes.Status404NotFound);

    private void Log(ServerRow row, string action, string detail, Caller caller) =>
        db.Events.Add(EventLog.Operator(row.Id, row.Name, action, detail, caller.UserName, time.GetUtcNow()));

    private static void Refuse(Transition transition)
    {
        if (transition.Refusal is { } refusal)
        {
            throw new RefusedException(refusal.Rule, refusal.Message, StatusCodes.Status409Conflict);
        }
    }
}

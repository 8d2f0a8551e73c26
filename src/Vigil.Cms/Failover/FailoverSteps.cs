using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Agents;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// What the engine does with agents for each step of an episode. Each step is idempotent (a takeover
/// already running is accepted again, a released standby released again), so a step interrupted by a
/// crash is simply done again. A step answers the input its outcome means to the state machine, or
/// null when it should be tried again later (an agent that did not answer).
/// </summary>
internal sealed class FailoverSteps(CmsDbContext db, AgentClients clients, SettingsStore settings)
{
    public async Task<FailoverInput?> StartTakeoverAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var original = await FindAsync(episode.RecordingServer.Value, cancellationToken).ConfigureAwait(false);
        var standby = await FindAsync(episode.Standby!.Value.Value, cancellationToken).ConfigureAwait(false);
        if (original is null)
        {
            return new StepFailed("the recording server is no longer managed");
        }

        if (standby is null)
        {
            return new TakeoverFailed("the standby is no longer managed");
        }

        var request = new TakeoverRequest(episode.Epoch.Value, original.Name, AgentInventory.Cameras(original));
        try
        {
            var status = await clients.For(standby).TakeOverAsync(EpisodeRecords.FootageKey(episode.Id), request, cancellationToken).ConfigureAwait(false);
            return status.Epoch == episode.Epoch.Value ? new TakeoverConfirmed(new Epoch(status.Epoch)) : new TakeoverFailed($"it answered for epoch {status.Epoch}");
        }
        catch (AgentCallException e)
        {
            return new TakeoverFailed(e.Message);
        }
    }

    /// <summary>
    /// Make before break, first half: the recording server has its cameras (pushed again from the
    /// stored configuration if it lost them) and each camera that should record has written a segment
    /// since the failback began. A camera that is down on its own is not waited for.
    /// </summary>
    public async Task<FailoverInput?> ResumeOriginalAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var original = await FindAsync(episode.RecordingServer.Value, cancellationToken).ConfigureAwait(false);
        if (original is null)
        {
            return new StepFailed("the recording server is no longer managed");
        }

        var client = clients.For(original);
        try
        {
            await AddMissingCamerasAsync(client, AgentInventory.Cameras(original), cancellationToken).ConfigureAwait(false);
            var health = await client.HealthAsync(cancellationToken).ConfigureAwait(false);
            if (health.Outcome != HealthOutcome.Ok)
            {
                return null;
            }

            var own = health.Cameras.Where(c => c.Owner == AgentRoutes.OwnRecordings).ToList();
            var recordsAgain = own.All(c => c.State is CameraState.Off or CameraState.Unreachable
                || (c.State == CameraState.Recording && c.LastSegmentEnd >= episode.PhaseSince));
            return recordsAgain ? new OriginalRecordingConfirmed() : null;
        }
        catch (AgentCallException)
        {
            return null;
        }
    }

    /// <summary>Make before break, second half: the standby stops recording the server's cameras.</summary>
    public async Task<FailoverInput?> ReleaseStandbyAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var standby = episode.Standby is { } id ? await FindAsync(id.Value, cancellationToken).ConfigureAwait(false) : null;
        var restore = settings.Failover.RestoreRecordings;
        if (standby is null)
        {
            return new StandbyReleased(restore);
        }

        try
        {
            var epoch = await FailoverLedger.CurrentEpochAsync(db, cancellationToken).ConfigureAwait(false);
            await clients.For(standby).ReleaseAsync(EpisodeRecords.FootageKey(episode.Id), epoch.Value, cancellationToken).ConfigureAwait(false);
            return new StandbyReleased(restore);
        }
        catch (AgentCallException)
        {
            return null;
        }
    }

    /// <summary>Releases and wipes this episode's footage on every standby that may hold it.</summary>
    public async Task<FailoverInput?> RemoveFootageAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var epoch = await FailoverLedger.CurrentEpochAsync(db, cancellationToken).ConfigureAwait(false);
        foreach (var id in episode.FootageOn)
        {
            var standby = await FindAsync(id.Value, cancellationToken).ConfigureAwait(false);
            if (standby is not null && !await RemoveFootageFromAsync(clients.For(standby), episode, epoch, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }

        return new CleanupCompleted();
    }

    /// <summary>Gives an agent those of <paramref name="cameras"/> it does not have (by id); the ones it has are left as they are.</summary>
    public static async Task AddMissingCamerasAsync(AgentClient agent, IReadOnlyList<CameraConfig> cameras, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(cameras);
        var present = (await agent.CamerasAsync(cancellationToken).ConfigureAwait(false)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var camera in cameras.Where(c => !present.Contains(c.Id)))
        {
            await agent.AddCameraAsync(camera, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the standby recording for the episode and deletes the footage it kept; false if it did not answer.</summary>
    public static async Task<bool> RemoveFootageFromAsync(AgentClient standby, FailoverEpisode episode, Epoch epoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(standby);
        ArgumentNullException.ThrowIfNull(episode);
        var key = EpisodeRecords.FootageKey(episode.Id);
        try
        {
            await standby.ReleaseAsync(key, epoch.Value, cancellationToken).ConfigureAwait(false);
            await standby.DeleteFootageAsync(key, epoch.Value, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AgentCallException)
        {
            return false;
        }
    }

    private Task<ServerRow?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
}

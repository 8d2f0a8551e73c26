using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Agents;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
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
internal sealed class FailoverSteps(
    CmsDbContext db, IAgentConnections agents, SettingsStore settings, FootageRestorer restorer, CameraSecrets cameraSecrets, LeaderEpochs epochs,
    TimeProvider time)
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

        var request = new TakeoverRequest(episode.Epoch.Value, original.Name, cameraSecrets.Open(original));
        try
        {
            var status = await agents.For(standby).TakeOverAsync(episode.FootageKey, request, cancellationToken).ConfigureAwait(false);
            return status.Epoch == episode.Epoch.Value ? new TakeoverConfirmed(new Epoch(status.Epoch)) : new TakeoverFailed($"it answered for epoch {status.Epoch}");
        }
        catch (AgentCallException e) when (e.Rule != AgentCallException.Rules.ClientClosed)
        {
            // A call cut short by the CMS closing its own client says nothing about the standby: it reaches the
            // engine, which tries the step again, rather than marking the standby unable to take over.
            return new TakeoverFailed(e.Message);
        }
    }

    /// <summary>
    /// Make before break, first half: the recording server has its cameras (pushed again from the stored
    /// configuration if it lost them) and each camera that should record has written a segment since the
    /// failback began. A camera the recording server cannot reach is waited for while the standby still
    /// records it (releasing the standby would leave nobody recording it); one that neither can reach is
    /// down on its own and is not waited for.
    /// </summary>
    public async Task<FailoverInput?> ResumeOriginalAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var original = await FindAsync(episode.RecordingServer.Value, cancellationToken).ConfigureAwait(false);
        if (original is null)
        {
            return new StepFailed("the recording server is no longer managed");
        }

        var client = agents.For(original);
        AgentHealth health;
        try
        {
            await AddMissingCamerasAsync(client, cameraSecrets.Open(original), cancellationToken).ConfigureAwait(false);
            health = await client.HealthAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException)
        {
            return null;
        }

        if (health.Outcome != HealthOutcome.Ok)
        {
            return null;
        }

        // Segment times are the agent's clock: "since the failback began" is measured on that clock, so a skewed clock neither
        // confirms a camera too early nor keeps failback waiting for ever.
        var began = health.At - (time.GetUtcNow() - episode.PhaseSince);
        var recordedByStandby = await StandbyRecordingAsync(episode, cancellationToken).ConfigureAwait(false);
        var own = health.Cameras.Where(c => c.Owner == AgentRoutes.OwnRecordings).ToList();
        var recordsAgain = own.Where(c => c.State == CameraState.Off || (c.State == CameraState.Recording && c.LastSegmentEnd >= began))
            .Select(c => c.CameraId).ToHashSet(StringComparer.Ordinal);
        var waitingFor = own.Where(c => !recordsAgain.Contains(c.CameraId)).ToList();
        // Why each camera cannot be recorded by the original yet, in the camera's own words: a camera that allows one
        // session refuses the original's while the standby holds it, and failback waits for it rather than break first.
        var stillOnlyOnStandby = waitingFor.Where(c => c.State == CameraState.Unreachable && recordedByStandby.Contains(c.CameraId))
            .Select(c => c.Problem is { Length: > 0 } problem ? $"{c.CameraId} ({problem})" : c.CameraId).ToList();
        if (waitingFor.All(c => c.State == CameraState.Unreachable && !recordedByStandby.Contains(c.CameraId)))
        {
            return new OriginalRecordingConfirmed();
        }

        return stillOnlyOnStandby.Count > 0
            ? new FailbackWaiting($"{string.Join(", ", stillOnlyOnStandby)} cannot be recorded by the recording server yet; the standby keeps recording it")
            : null;
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
            var epoch = await epochs.CurrentAsync(db, cancellationToken).ConfigureAwait(false);
            await agents.For(standby).ReleaseAsync(episode.FootageKey, epoch.Value, cancellationToken).ConfigureAwait(false);
            return new StandbyReleased(restore);
        }
        catch (AgentCallException)
        {
            return null;
        }
    }

    /// <summary>
    /// Removes the episode's footage from every standby that may hold it. After an operator's confirmed discard
    /// (or with restore off) all of it goes; otherwise only the files the recording server has confirmed by
    /// checksum, after copying whatever is still missing: footage that is not home is never deleted. A holder's
    /// refusal is thrown to the engine, which says it once and tries again.
    /// </summary>
    public async Task<FailoverInput?> RemoveFootageAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        if (!FootageDisposal.Discards(episode))
        {
            return await restorer.RemoveHomeFootageAsync(episode, cancellationToken).ConfigureAwait(false);
        }

        // Every holder is asked, even after one did not answer: none goes on recording for a stopped failover.
        var epoch = await epochs.CurrentAsync(db, cancellationToken).ConfigureAwait(false);
        AgentCallException? refused = null;
        foreach (var id in episode.FootageOn)
        {
            if (await FindAsync(id.Value, cancellationToken).ConfigureAwait(false) is not { } standby)
            {
                continue;
            }

            try
            {
                await DiscardFootageAsync(agents.For(standby), episode, epoch, cancellationToken).ConfigureAwait(false);
            }
            catch (AgentCallException e)
            {
                refused ??= e;
            }
        }

        return refused is null ? new CleanupCompleted() : throw refused;
    }

    /// <summary>Gives an agent those of <paramref name="cameras"/> it does not have (by id); the ones it has are left as they are.</summary>
    public static async Task AddMissingCamerasAsync(IAgentApi agent, IReadOnlyList<CameraConfig> cameras, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(cameras);
        var present = (await agent.CamerasAsync(cancellationToken).ConfigureAwait(false)).Select(c => c.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var camera in cameras.Where(c => !present.Contains(c.Id)))
        {
            await agent.AddCameraAsync(camera, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops the standby recording for the episode and discards the footage it kept (an operator's confirmed discard); false if it did not answer.</summary>
    public static async Task<bool> DiscardFootageFromAsync(IAgentApi standby, FailoverEpisode episode, Epoch epoch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(standby);
        ArgumentNullException.ThrowIfNull(episode);
        try
        {
            await DiscardFootageAsync(standby, episode, epoch, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AgentCallException)
        {
            return false;
        }
    }

    private static async Task DiscardFootageAsync(IAgentApi standby, FailoverEpisode episode, Epoch epoch, CancellationToken cancellationToken)
    {
        await standby.ReleaseAsync(episode.FootageKey, epoch.Value, cancellationToken).ConfigureAwait(false);
        await standby.DiscardFootageAsync(episode.FootageKey, epoch.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The cameras the acting standby is recording for this episode now (none when it does not answer).</summary>
    private async Task<HashSet<string>> StandbyRecordingAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var standby = episode.Standby is { } id ? await FindAsync(id.Value, cancellationToken).ConfigureAwait(false) : null;
        if (standby is null)
        {
            return [];
        }

        try
        {
            var health = await agents.For(standby).HealthAsync(cancellationToken).ConfigureAwait(false);
            var key = episode.FootageKey;
            return health.Cameras.Where(c => c.Owner == key && c.State == CameraState.Recording).Select(c => c.CameraId).ToHashSet(StringComparer.Ordinal);
        }
        catch (AgentCallException)
        {
            return [];
        }
    }

    private Task<ServerRow?> FindAsync(int id, CancellationToken cancellationToken) =>
        db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
}

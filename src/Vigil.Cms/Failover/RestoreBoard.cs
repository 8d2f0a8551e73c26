using System.Collections.Concurrent;
using Vigil.Contracts.Cms;
using Vigil.Domain;

namespace Vigil.Cms.Failover;

/// <summary>
/// Per camera, what the running restores have brought home, for the views. Kept in memory only: the episode's own
/// progress is what is stored, and a restarted CMS counts the cameras again in its next pass (it asks the recording
/// server what it holds before it copies anything), so nothing here needs to outlive the process.
/// </summary>
internal sealed class RestoreBoard
{
    private readonly ConcurrentDictionary<long, IReadOnlyList<CameraRestoreView>> _cameras = new();

    public void Publish(EpisodeId episode, IReadOnlyList<CameraRestoreView> cameras) => _cameras[episode.Value] = cameras;

    /// <summary>The restore ended (or will be counted afresh): its cameras are no longer shown.</summary>
    public void Forget(EpisodeId episode) => _cameras.TryRemove(episode.Value, out _);

    public IReadOnlyList<CameraRestoreView> Of(long episode) => _cameras.TryGetValue(episode, out var cameras) ? cameras : [];
}

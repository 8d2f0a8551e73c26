using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Recording;

/// <summary>
/// Deletes own recordings older than their camera's retention (file and catalog entry). Failover
/// recordings are never aged out: they wait to be restored to their server.
/// </summary>
public sealed class RetentionEnforcer(CameraStore cameras, RecordingCatalog catalog)
{
    /// <summary>Returns how many recordings were deleted.</summary>
    public int Enforce(DateTimeOffset now)
    {
        var deleted = 0;
        foreach (var camera in cameras.List(AgentRoutes.OwnRecordings).Where(c => c.RetentionHours > 0))
        {
            var cutoff = now - TimeSpan.FromHours(camera.RetentionHours);
            foreach (var entry in catalog.List(AgentRoutes.OwnRecordings, camera.Id, null, cutoff).Where(e => e.End < cutoff))
            {
                File.Delete(entry.FullPath);
                catalog.Remove(entry.Id);
                deleted++;
            }
        }

        return deleted;
    }
}

using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// Whether an episode's cleanup discards its footage or may remove only what is safely home. Discarding is
/// what an operator confirmed (stopping the failover or the restoration, deleting the group) or what the
/// "restore recordings" setting being off means; every other end keeps footage until its checksum is home.
/// </summary>
internal static class FootageDisposal
{
    public static bool Discards(FailoverEpisode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        return episode.EndsAs is FailoverPhase.Stopped or FailoverPhase.Interrupted
            || episode.Phase is FailoverPhase.Stopped or FailoverPhase.Interrupted
            || episode.Resolution is FailoverResolution.RestoreStopped or FailoverResolution.FailedBack;
    }
}

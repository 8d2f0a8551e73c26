using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// The failover episodes now open, as the inventory rules and statuses need them: a server in the
/// middle of a takeover cannot be removed, a protecting standby is only edited, disabled or removed
/// with confirmation. The failover engine opens and closes episodes; before it has run none are open.
/// </summary>
public sealed class FailoverActivity
{
    private volatile IReadOnlyList<FailoverEpisode> _open = [];

    public IReadOnlyList<FailoverEpisode> Open => _open;

    public void Publish(IReadOnlyList<FailoverEpisode> open) => _open = open;
}

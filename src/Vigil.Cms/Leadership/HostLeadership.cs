using Vigil.Contracts.Cms;

namespace Vigil.Cms.Leadership;

/// <summary>
/// Whether this CMS host leads: only the leader probes agents, runs the failover engine and the other loops that act on
/// recording servers (see <see cref="LeaderOnlyService"/>), and serves the API; a standby host waits for the lease.
/// On SQLite there is one host, which leads from its start and never stops.
/// </summary>
internal sealed class HostLeadership
{
    private readonly TaskCompletionSource<LeaderTerm> _term = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HostLeadership(HostIdentity me, string mode)
    {
        Me = me;
        Mode = mode;
    }

    public HostIdentity Me { get; }

    /// <summary><see cref="CmsHostsView.SingleHost"/> or <see cref="CmsHostsView.Lease"/>.</summary>
    public string Mode { get; }

    /// <summary>This process's term as leader, once it began; it never begins again after it ends.</summary>
    public LeaderTerm? Term => _term.Task.IsCompletedSuccessfully ? _term.Task.Result : null;

    public bool IsActing => Term is { HasEnded: false };

    /// <summary>This process led and no longer does: it is on its way out, to restart as a standby.</summary>
    public bool HasLost => Term is { HasEnded: true };

    /// <summary>
    /// The term ended while the host was not stopping (no renewal in time, another holder): it must restart, as a
    /// standby. A term given up by a graceful stop does not count, so <c>systemctl stop</c> ends cleanly.
    /// </summary>
    public bool MustRestart { get; private set; }

    public void Lost() => MustRestart = true;

    /// <summary>Who led when this standby host last looked (for the answers it gives while it stands by).</summary>
    public CmsLeaderView? LastSeenLeader { get; set; }

    public Task<LeaderTerm> WaitForTermAsync(CancellationToken cancellationToken) => _term.Task.WaitAsync(cancellationToken);

    public void Begin(LeaderTerm term)
    {
        if (!_term.TrySetResult(term))
        {
            throw new InvalidOperationException("A CMS process leads for one term at most.");
        }
    }
}

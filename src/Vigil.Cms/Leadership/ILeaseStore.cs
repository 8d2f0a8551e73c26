using Vigil.Contracts.Cms;

namespace Vigil.Cms.Leadership;

/// <summary>Where the leader's lease and the hosts' last reports are kept: the shared PostgreSQL database.</summary>
internal interface ILeaseStore
{
    /// <summary>
    /// In one transaction: records that this host reported, then takes the lease if it is free, lapsed or held by an
    /// earlier process of this same host, or renews it if this process holds it, for one <see cref="LeaseTerms.Ttl"/>. All
    /// times are the database's.
    /// </summary>
    /// <remarks>
    /// Synchronous on purpose, and bounded by the store's own timeouts: the lease keeper calls it from a thread of its own,
    /// and an asynchronous call would resume on the thread pool, which an overloaded leader has filled with probes.
    /// </remarks>
    /// <returns>The lease as this host now holds it, or null when another host holds it.</returns>
    LeaseGrant? Hold(HostIdentity me, string address);

    /// <summary>Lets the lease lapse now, if this process still holds it in <paramref name="generation"/>: a graceful stop hands over at once.</summary>
    Task ReleaseAsync(HostIdentity me, long generation, CancellationToken cancellationToken);

    Task<(CmsLeaderView? Leader, IReadOnlyList<CmsHostView> Hosts)> ReadAsync(CancellationToken cancellationToken);
}

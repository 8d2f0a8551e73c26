namespace Vigil.Contracts.Cms;

/// <summary>
/// The CMS hosts sharing one database. <paramref name="Mode"/> is <c>single-host</c> (SQLite: this host always leads)
/// or <c>lease</c> (PostgreSQL: the host holding the lease leads, the others stand by). <paramref name="Leader"/> is
/// null while no host holds an unexpired lease.
/// </summary>
public sealed record CmsHostsView(string Mode, string ThisHost, CmsLeaderView? Leader, IReadOnlyList<CmsHostView> Hosts)
{
    public const string SingleHost = "single-host";

    public const string Lease = "lease";
}

/// <summary>
/// The leading host: <paramref name="Generation"/> grows by one at every change of lease holder (0 for a single host);
/// <paramref name="Term"/> is what its calls to agents carry (see the agent's <c>LeaderTermHeader</c>);
/// <paramref name="Since"/> is when this holder took the lease and <paramref name="ExpiresAt"/> when it lapses unless
/// renewed, by the database's clock (null for a single host, whose leadership never lapses). <paramref name="Fingerprint"/>
/// is the SHA-256 fingerprint of the certificate the leader serves TLS with (null over plain http), to pin it by.
/// </summary>
public sealed record CmsLeaderView(
    string HostId, string Name, string Address, long Generation, long Term, DateTimeOffset Since, DateTimeOffset? ExpiresAt, string? Fingerprint = null);

/// <summary>One CMS host: when it last started and last reported (renewed its lease or looked for a free one).</summary>
public sealed record CmsHostView(string HostId, string Name, string Address, DateTimeOffset StartedAt, DateTimeOffset SeenAt, bool Leads);

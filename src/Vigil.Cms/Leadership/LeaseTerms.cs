namespace Vigil.Cms.Leadership;

/// <summary>
/// How long the leader's lease lasts and how often hosts talk to the database about it.
/// </summary>
/// <remarks>
/// A leader that dies stops renewing; its lease lapses at most <see cref="Ttl"/> after its last renewal, and a standby
/// host notices within <see cref="LookEvery"/>: a dead leader is replaced in <see cref="Ttl"/> + <see cref="LookEvery"/>
/// (3.5 s by default, within the 5 s target). A leader acts only until <see cref="ActFor"/> after it <em>sent</em> its
/// last successful renewal, timed on its own monotonic clock: the database set the expiry later than that send, so the
/// leader stops before its lease can lapse whatever its wall clock or the database's says. <see cref="Margin"/> covers
/// clocks that run at slightly different rates.
/// </remarks>
internal sealed record LeaseTerms(TimeSpan Ttl, TimeSpan RenewEvery, TimeSpan LookEvery, TimeSpan Margin)
{
    public static LeaseTerms Default { get; } = new(
        Ttl: TimeSpan.FromSeconds(3), RenewEvery: TimeSpan.FromSeconds(1), LookEvery: TimeSpan.FromMilliseconds(500), Margin: TimeSpan.FromMilliseconds(500));

    public TimeSpan ActFor => Ttl - Margin;

    /// <summary>The longest a dead leader goes unreplaced, not counting the new leader's start.</summary>
    public TimeSpan WorstReplacement => Ttl + LookEvery;

    /// <summary>
    /// How long a host waits before its next try at the lease. A leader renews <see cref="RenewEvery"/> after it
    /// <em>sent</em> its last try, or at once when that try took longer: timed from the end of a slow try (the first
    /// one loads the leader's state from the database, which a cold start on a busy machine makes slow), the renewal
    /// would come after <see cref="ActFor"/> and end a term that was never at risk. A standby looks every <see cref="LookEvery"/>.
    /// </summary>
    public TimeSpan WaitBeforeNextTry(bool leading, TimeSpan sinceLastTrySent) =>
        !leading ? LookEvery
        : sinceLastTrySent >= RenewEvery ? TimeSpan.Zero
        : RenewEvery - sinceLastTrySent;
}

using Microsoft.Extensions.Time.Testing;
using Vigil.Cms.Leadership;

namespace Vigil.Cms.Tests.Leadership;

public sealed class LeaderTermTests
{
    private static readonly LeaseTerms Terms = LeaseTerms.Default;
    private static readonly LeaseGrant Grant = new(7, 1_000_000, DateTimeOffset.UnixEpoch, IsNew: true, PreviousHolderName: "cms-a");

    [Fact]
    public void A_term_ends_by_itself_when_no_renewal_comes_before_its_deadline()
    {
        var time = new FakeTimeProvider();
        using var term = new LeaderTerm(Grant, time.GetTimestamp(), Terms, time);

        time.Advance(Terms.ActFor - TimeSpan.FromMilliseconds(1));
        Assert.False(term.HasEnded);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(term.Token.IsCancellationRequested);
    }

    [Fact]
    public void The_deadline_counts_from_when_the_renewal_was_sent_not_from_when_it_was_answered()
    {
        var time = new FakeTimeProvider();
        using var term = new LeaderTerm(Grant, time.GetTimestamp(), Terms, time);
        time.Advance(TimeSpan.FromSeconds(1));
        var sent = time.GetTimestamp();
        time.Advance(TimeSpan.FromSeconds(1)); // a slow answer

        Assert.True(term.Extend(sent));
        time.Advance(Terms.ActFor - TimeSpan.FromSeconds(1) - TimeSpan.FromMilliseconds(1));
        Assert.False(term.HasEnded);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(term.HasEnded);
    }

    [Fact]
    public void A_renewal_answered_after_the_deadline_does_not_revive_the_term()
    {
        var time = new FakeTimeProvider();
        using var term = new LeaderTerm(Grant, time.GetTimestamp(), Terms, time);
        var sent = time.GetTimestamp();
        time.Advance(Terms.ActFor);

        Assert.False(term.Extend(sent));
        Assert.False(term.Extend(time.GetTimestamp()));
        Assert.True(term.HasEnded);
    }

    [Fact]
    public void The_leader_stops_acting_before_the_database_can_expire_its_lease()
    {
        // The database sets the expiry at Ttl after it runs the statement, which is after the leader sent it.
        Assert.True(Terms.ActFor < Terms.Ttl);
        Assert.True(Terms.RenewEvery * 2 < Terms.ActFor, "two renewals can fail before the term ends");
        Assert.True(Terms.WorstReplacement <= TimeSpan.FromSeconds(5) - TimeSpan.FromSeconds(1), "a second is left for the new leader to start");
    }

    [Fact]
    public void A_lone_host_term_never_ends_by_itself()
    {
        var time = new FakeTimeProvider();
        using var term = LeaderTerm.Unending(1, time.GetUtcNow(), time);

        time.Advance(TimeSpan.FromDays(400));
        Assert.False(term.HasEnded);
        Assert.Equal(0, term.Grant.Generation);
    }
}

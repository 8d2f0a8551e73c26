using Vigil.Cms.Leadership;

namespace Vigil.Cms.Tests.Leadership;

public sealed class LeaseTermsTests
{
    private static readonly LeaseTerms Terms = LeaseTerms.Default;

    [Fact]
    public void A_leader_renews_a_renewal_interval_after_it_sent_its_last_try_not_after_that_try_ended()
    {
        Terms.WaitBeforeNextTry(leading: true, sinceLastTrySent: TimeSpan.Zero).ShouldBe(Terms.RenewEvery);
        Terms.WaitBeforeNextTry(leading: true, sinceLastTrySent: TimeSpan.FromMilliseconds(300)).ShouldBe(Terms.RenewEvery - TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_leader_whose_last_try_took_longer_than_the_renewal_interval_renews_at_once_while_its_term_still_runs()
    {
        // A cold start on a busy machine: the first try loaded the leader's state for 1.8 s. Waiting a whole interval
        // after that would renew at 2.8 s, past the 2.5 s the term may act for.
        var slowFirstTry = TimeSpan.FromMilliseconds(1800);
        Terms.WaitBeforeNextTry(leading: true, slowFirstTry).ShouldBe(TimeSpan.Zero);
        (slowFirstTry + Terms.WaitBeforeNextTry(leading: true, slowFirstTry)).ShouldBeLessThan(Terms.ActFor);
        Terms.WaitBeforeNextTry(leading: true, Terms.RenewEvery).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void A_standby_looks_for_a_lapsed_lease_every_look_interval_however_long_its_last_look_took()
    {
        Terms.WaitBeforeNextTry(leading: false, TimeSpan.Zero).ShouldBe(Terms.LookEvery);
        Terms.WaitBeforeNextTry(leading: false, TimeSpan.FromSeconds(5)).ShouldBe(Terms.LookEvery);
    }
}

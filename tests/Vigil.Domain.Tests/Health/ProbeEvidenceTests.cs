using Vigil.Domain.Health;

namespace Vigil.Domain.Tests.Health;

public class ProbeEvidenceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(800);

    [Theory]
    [InlineData(false, false, 0)]
    [InlineData(false, true, 0)]
    [InlineData(false, false, 5000)]
    [InlineData(false, true, 5000)]
    public void A_refusal_or_a_reported_failure_counts_whatever_the_cms_state(bool timedOut, bool overloaded, int stallMs) =>
        ProbeEvidence.IsEvidence(timedOut, overloaded, TimeSpan.FromMilliseconds(stallMs), Timeout).ShouldBeTrue();

    [Fact]
    public void A_timeout_counts_when_the_cms_was_on_time()
    {
        ProbeEvidence.IsEvidence(timedOut: true, cmsOverloaded: false, TimeSpan.Zero, Timeout).ShouldBeTrue();
        ProbeEvidence.IsEvidence(timedOut: true, cmsOverloaded: false, TimeSpan.FromMilliseconds(199), Timeout).ShouldBeTrue();
    }

    [Fact]
    public void A_timeout_while_the_cms_stalled_a_quarter_of_the_timeout_does_not_count()
    {
        ProbeEvidence.IsEvidence(timedOut: true, cmsOverloaded: false, TimeSpan.FromMilliseconds(200), Timeout).ShouldBeFalse();
        ProbeEvidence.IsEvidence(timedOut: true, cmsOverloaded: false, TimeSpan.FromSeconds(5), Timeout).ShouldBeFalse();
    }

    [Fact]
    public void A_timeout_while_the_cms_is_overloaded_does_not_count()
    {
        ProbeEvidence.IsEvidence(timedOut: true, cmsOverloaded: true, TimeSpan.Zero, Timeout).ShouldBeFalse();
    }
}

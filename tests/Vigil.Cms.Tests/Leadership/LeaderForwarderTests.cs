using Vigil.Cms.Leadership;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Leadership;

public sealed class LeaderForwarderTests
{
    private static CmsLeaderView Leader(string address, string? fingerprint) =>
        new("h", "cms-a", address, 1, 1, DateTimeOffset.UnixEpoch, null, fingerprint);

    [Fact]
    public void A_request_goes_to_the_leaders_https_address_only_with_its_certificate_to_pin()
    {
        LeaderForwarder.TargetOf(Leader("http://10.0.0.5:8080 https://10.0.0.5:8443", "AB:CD"), callerUsedHttps: true)
            .ShouldBe(new Uri("https://10.0.0.5:8443"));
        LeaderForwarder.TargetOf(Leader("https://10.0.0.5:8443", fingerprint: null), callerUsedHttps: false)
            .ShouldBeNull("an https leader that published no fingerprint cannot be trusted with the caller's credentials");
    }

    [Fact]
    public void A_request_that_came_over_https_never_goes_on_over_plain_http()
    {
        LeaderForwarder.TargetOf(Leader("http://10.0.0.5:8080", fingerprint: null), callerUsedHttps: true).ShouldBeNull();
        LeaderForwarder.TargetOf(Leader("http://10.0.0.5:8080", fingerprint: null), callerUsedHttps: false).ShouldBe(new Uri("http://10.0.0.5:8080"));
    }
}

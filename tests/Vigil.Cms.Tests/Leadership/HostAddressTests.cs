using Vigil.Cms.Leadership;

namespace Vigil.Cms.Tests.Leadership;

public sealed class HostAddressTests
{
    [Theory]
    [InlineData("https://0.0.0.0:8443", "10.0.0.5", "https://10.0.0.5:8443")]
    [InlineData("https://[::]:8443 http://*:8080", "10.0.0.5", "https://10.0.0.5:8443 http://10.0.0.5:8080")]
    [InlineData("https://+:8443", "fd00::7", "https://[fd00::7]:8443")]
    [InlineData("https://cms-a.example:8443", "10.0.0.5", "https://cms-a.example:8443")]
    [InlineData("https://127.0.0.1:8443", "10.0.0.5", "https://127.0.0.1:8443")]
    [InlineData("https://0.0.0.0:8443", null, "https://0.0.0.0:8443")]
    [InlineData("https://0.0.0.0:8443", "not an address", "https://0.0.0.0:8443")]
    public void A_wildcard_listening_host_is_replaced_by_the_address_the_database_saw(string listening, string? peer, string reachable) =>
        HostAddress.Reachable(listening, peer).ShouldBe(reachable);
}

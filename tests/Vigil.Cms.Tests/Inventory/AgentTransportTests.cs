using Vigil.Cms.Inventory;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Inventory;

public sealed class AgentTransportTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("[::1]")]
    [InlineData("localhost")]
    public void Plain_http_to_this_machines_loopback_is_allowed(string host) =>
        AgentTransport.Check(new ServerAddress(host, 7101, Https: false), insecureHttpAllowed: false).ShouldBeNull();

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("nvr-3.example.org")]
    [InlineData("2001:db8::1")]
    [InlineData("127.0.0.1.example.org")]
    public void Plain_http_anywhere_else_is_refused_unless_the_cms_allows_it(string host)
    {
        var address = new ServerAddress(host, 7101, Https: false);
        AgentTransport.Check(address, insecureHttpAllowed: false).ShouldNotBeNull().Rule.ShouldBe(AgentTransport.PlainHttpRefused);
        AgentTransport.Check(address, insecureHttpAllowed: true).ShouldBeNull();
        AgentTransport.Check(address with { Https = true }, insecureHttpAllowed: false).ShouldBeNull();
    }

    [Theory]
    [InlineData("AB:CD:EF", "abcdef", true)]
    [InlineData("ab cd ef", "AB:CD:EF", true)]
    [InlineData("AB:CD:EF", "AB:CD:EE", false)]
    [InlineData("AB:CD", "AB:CD:EF", false)]
    [InlineData(null, "AB:CD:EF", false)]
    [InlineData("", "", false)]
    public void Fingerprints_compare_by_their_hex_digits(string? confirmed, string? presented, bool same) =>
        AgentSighting.Same(confirmed, presented).ShouldBe(same);
}

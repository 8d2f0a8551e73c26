using Vigil.Hosting;

namespace Vigil.Agent.Tests.Hosting;

public sealed class PlainHttpGuardTests
{
    [Theory]
    [InlineData("http://0.0.0.0:7101")]
    [InlineData("http://192.168.1.20:80")]
    [InlineData("http://[::]:80")]
    [InlineData("http://*:80")]
    [InlineData("http://+:80")]
    [InlineData("http://agent.example.com:80")]
    [InlineData("HTTP://10.0.0.1:80")]
    public void Plain_http_on_the_network_is_refused_and_named(string url)
    {
        var refusal = PlainHttpGuard.Refusal([url], insecureHttpAllowed: false);

        refusal.ShouldNotBeNull();
        refusal.ShouldContain(url);
        refusal.ShouldContain(PlainHttpGuard.Flag);
    }

    [Theory]
    [InlineData("http://127.0.0.1:0")]
    [InlineData("http://127.8.9.10:80")]
    [InlineData("http://[::1]:80")]
    [InlineData("http://localhost:80")]
    [InlineData("https://0.0.0.0:7101")]
    [InlineData("https://*:7101")]
    public void Loopback_and_https_need_no_flag(string url) =>
        PlainHttpGuard.Refusal([url], insecureHttpAllowed: false).ShouldBeNull();

    [Fact]
    public void One_exposed_url_among_safe_ones_is_enough_to_refuse() =>
        PlainHttpGuard.Refusal(["https://0.0.0.0:7101", "http://127.0.0.1:80", "http://0.0.0.0:80"], insecureHttpAllowed: false)
            .ShouldNotBeNull().ShouldContain("http://0.0.0.0:80");

    [Fact]
    public void The_flag_allows_plain_http_anywhere() =>
        PlainHttpGuard.Refusal(["http://0.0.0.0:80"], insecureHttpAllowed: true).ShouldBeNull();

    [Fact]
    public void A_host_that_only_looks_like_loopback_is_refused() =>
        PlainHttpGuard.Refusal(["http://127.0.0.1.attacker.example:80", "http://localhost.example:80"], insecureHttpAllowed: false).ShouldNotBeNull();
}

using System.Net;
using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Discovery;
using Vigil.Hosting;

namespace Vigil.Agent.Tests.Discovery;

public class AnswerRulesTests
{
    private static readonly LocalAddress[] Networks = [new(IPAddress.Parse("10.77.0.11"), 24, 2), new(IPAddress.Parse("192.168.5.9"), 16, 3)];

    [Theory]
    [InlineData("10.77.0.1", true)]
    [InlineData("10.77.0.254", true)]
    [InlineData("192.168.200.1", true)]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.77.1.1", false)]
    [InlineData("8.8.8.8", false)]
    [InlineData("::ffff:10.77.0.3", true)]
    [InlineData("2001:db8::1", false)]
    public void Only_a_sender_on_a_network_of_the_agent_is_answered(string sender, bool answered) =>
        LocalNetworks.IsOnLink(IPAddress.Parse(sender), Networks).ShouldBe(answered);

    [Fact]
    public void At_most_twenty_answers_go_out_a_second()
    {
        var time = new FakeTimeProvider();
        var budget = new AnswerBudget(time);
        Enumerable.Range(0, 25).Count(_ => budget.TrySpend()).ShouldBe(AnswerBudget.PerSecond);
        time.Advance(TimeSpan.FromSeconds(1));
        budget.TrySpend().ShouldBeTrue();
    }

    [Fact]
    public void A_wildcard_listener_stands_for_every_address_and_https_comes_first()
    {
        var local = new[] { IPAddress.Parse("10.77.0.11"), IPAddress.Parse("192.168.5.9"), IPAddress.Loopback };
        var served = ServedEndpoint.From(["http://127.0.0.1:7001", "https://0.0.0.0:7101"], local)!;
        served.ShouldBe(new ServedEndpoint("https", 7101, served.Addresses));
        served.Addresses.ShouldBe(["10.77.0.11", "192.168.5.9"]);
        ServedEndpoint.From(["https://10.77.0.11:7443"], local)!.Addresses.ShouldBe(["10.77.0.11"]);
    }

    [Fact]
    public void An_agent_on_loopback_only_has_nothing_to_announce()
    {
        ServedEndpoint.From(["https://127.0.0.1:7101", "http://localhost:7102", "http://[::1]:7103"], [IPAddress.Parse("10.77.0.11")]).ShouldBeNull();
        ServedEndpoint.From(["https://0.0.0.0:7101"], [IPAddress.Loopback]).ShouldBeNull();
    }
}

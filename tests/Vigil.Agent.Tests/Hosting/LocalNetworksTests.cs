using System.Net;
using Vigil.Hosting;

namespace Vigil.Agent.Tests.Hosting;

public class LocalNetworksTests
{
    private static readonly LocalAddress[] Networks =
        [new(IPAddress.Parse("10.77.0.11"), 24, 2), new(IPAddress.Parse("198.18.188.1"), 24, 7), new(IPAddress.Parse("192.168.5.9"), 16, 3)];

    [Fact]
    public void With_no_address_named_a_search_covers_every_network()
    {
        LocalNetworks.Choose(Networks, []).ShouldBe(Networks);
    }

    [Fact]
    public void Search_on_narrows_the_search_to_the_networks_of_the_addresses_named()
    {
        LocalNetworks.Choose(Networks, [IPAddress.Parse("198.18.188.1")]).ShouldBe([Networks[1]]);
        LocalNetworks.Choose(Networks, [IPAddress.Parse("192.168.5.9"), IPAddress.Parse("10.77.0.11")]).ShouldBe([Networks[0], Networks[2]]);
    }

    [Fact]
    public void An_address_this_machine_does_not_have_leaves_nothing_to_search()
    {
        LocalNetworks.Choose(Networks, [IPAddress.Parse("10.77.0.12")]).ShouldBeEmpty();
    }
}

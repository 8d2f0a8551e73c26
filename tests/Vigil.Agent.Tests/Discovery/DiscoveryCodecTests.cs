using System.Text;
using Vigil.Contracts.Discovery;

namespace Vigil.Agent.Tests.Discovery;

public class DiscoveryCodecTests
{
    private static readonly SearchAnswer Answer = new("n0nce", "rec-1", "Vigil Agent", "A1B2C3D4E5F6", "0.1.0", ["10.77.0.11"], 7101, "https",
        "AB:CD:EF", new CmsReference("site-cms", "0123abcd"));

    [Fact]
    public void A_search_and_an_answer_survive_the_round_trip()
    {
        DiscoveryCodec.DecodeSearch(DiscoveryCodec.EncodeSearch("n0nce")).ShouldBe("n0nce");
        var decoded = DiscoveryCodec.DecodeAnswer(DiscoveryCodec.EncodeAnswer(Answer))!;
        (decoded with { Addresses = Answer.Addresses }).ShouldBe(Answer);
        decoded.Addresses.ShouldBe(Answer.Addresses);
        DiscoveryCodec.DecodeAnswer(DiscoveryCodec.EncodeAnswer(Answer with { ManagedBy = null, CertificateFingerprint = null }))!.ManagedBy.ShouldBeNull();
    }

    [Fact]
    public void The_answer_carries_nothing_but_public_facts()
    {
        var json = Encoding.UTF8.GetString(DiscoveryCodec.EncodeAnswer(Answer));
        json.ShouldStartWith("{\"protocol\":\"vigil-discovery/1\",\"kind\":\"answer\"");
        using var document = System.Text.Json.JsonDocument.Parse(json);
        document.RootElement.GetProperty("answer").EnumerateObject().Select(p => p.Name).ShouldBe(
            ["nonce", "name", "model", "serial", "version", "addresses", "port", "scheme", "certificateFingerprint", "managedBy"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{\"protocol\":\"other/1\",\"kind\":\"search\",\"nonce\":\"x\"}")]
    [InlineData("{\"protocol\":\"vigil-discovery/1\",\"kind\":\"search\"}")]
    [InlineData("{\"protocol\":\"vigil-discovery/1\",\"kind\":\"answer\",\"nonce\":\"x\"}")]
    [InlineData("{\"protocol\":\"vigil-discovery/1\",\"kind\":\"search\",\"nonce\":[1]}")]
    public void Anything_else_on_the_port_is_not_a_search(string datagram) =>
        DiscoveryCodec.DecodeSearch(Encoding.UTF8.GetBytes(datagram)).ShouldBeNull();

    [Fact]
    public void Malformed_answers_are_ignored()
    {
        DiscoveryCodec.DecodeAnswer(DiscoveryCodec.EncodeSearch("x")).ShouldBeNull("a search is not an answer");
        DiscoveryCodec.DecodeAnswer(DiscoveryCodec.EncodeAnswer(Answer with { Port = 0 })).ShouldBeNull();
        DiscoveryCodec.DecodeAnswer(DiscoveryCodec.EncodeAnswer(Answer with { Scheme = "ftp" })).ShouldBeNull();
        DiscoveryCodec.DecodeAnswer(DiscoveryCodec.EncodeAnswer(Answer with { Addresses = ["not-an-ip"] })).ShouldBeNull();
        DiscoveryCodec.DecodeAnswer(new byte[DiscoveryProtocol.MaxDatagramBytes + 1]).ShouldBeNull();
    }

    [Fact]
    public void Nothing_bigger_than_one_datagram_is_sent()
    {
        Should.Throw<ArgumentException>(() => DiscoveryCodec.EncodeAnswer(Answer with { Addresses = [.. Enumerable.Repeat("10.77.0.11", 200)] }));
        Should.Throw<ArgumentException>(() => DiscoveryCodec.EncodeSearch(new string('n', DiscoveryCodec.MaxNonceLength + 1)));
    }
}

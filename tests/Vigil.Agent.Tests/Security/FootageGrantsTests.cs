using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Vigil.Agent.Security;

namespace Vigil.Agent.Tests.Security;

/// <summary>A footage grant opens one takeover's footage to its token, and only until it expires.</summary>
public sealed class FootageGrantsTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 3, 0, 0, TimeSpan.Zero));

    [Fact]
    public void A_token_reads_the_key_it_was_granted_until_the_grant_expires_and_an_unknown_one_reads_nothing()
    {
        var grants = new FootageGrants(_time);
        grants.Add("episode-7", Hash("token-a"), _time.GetUtcNow().AddMinutes(10));
        grants.Add("episode-8", Hash("token-b").ToUpperInvariant(), _time.GetUtcNow().AddMinutes(20));

        grants.KeyOf("token-a").ShouldBe("episode-7");
        grants.KeyOf("token-b").ShouldBe("episode-8");
        grants.KeyOf("token-c").ShouldBeNull();
        grants.KeyOf(Hash("token-a")).ShouldBeNull("the hash the CMS sent is not itself a token");

        _time.Advance(TimeSpan.FromMinutes(10));
        grants.KeyOf("token-a").ShouldBeNull();
        grants.KeyOf("token-b").ShouldBe("episode-8");
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>Two CMS leaders, one after the other, speaking to one real agent with the same pairing credential.</summary>
public sealed class LeaderTermFencingTests
{
    private static TakeoverRequest Request(long epoch) =>
        new(epoch, "rec-1", [new CameraConfig("cam1", "Camera 1", "http://127.0.0.1:9/cam/1")]);

    [Fact]
    public async Task Once_a_later_leader_has_probed_the_agent_an_earlier_leaders_takeover_commands_are_refused_even_after_a_restart()
    {
        var now = Now;
        await using var standby = await AgentUnderTest.StartAsync([]);
        var credential = await PairAsync(standby);
        using var earlier = Leader(standby, credential, term: now - 2_000_000);
        using var later = Leader(standby, credential, term: now - 1_000_000);
        var takeover = AgentRoutes.Takeover("server-1").TrimStart('/');
        (await earlier.PutAsJsonAsync(takeover, Request(5), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The later leader's first round: a probe, which changes nothing but tells the agent a later leader exists.
        (await later.GetAsync(AgentRoutes.Health.TrimStart('/'))).EnsureSuccessStatusCode();
        var stale = await earlier.DeleteAsync(takeover + "?epoch=6");

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Rule(stale)).ShouldBe("takeover.stale-leader");
        (await standby.GetAsync<List<TakeoverStatus>>(AgentRoutes.Takeovers))!.ShouldHaveSingleItem("the earlier leader's release was not obeyed");

        await standby.Process.KillAsync();
        await standby.StartAsync();
        using var earlierAgain = Leader(standby, credential, term: now - 2_000_000);
        using var laterAgain = Leader(standby, credential, term: now - 1_000_000);
        (await Rule(await earlierAgain.DeleteAsync(takeover + "?epoch=6"))).ShouldBe("takeover.stale-leader", "the highest term is kept on disk");
        (await laterAgain.DeleteAsync(takeover + "?epoch=6")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task A_term_far_ahead_of_the_agents_clock_does_not_fence_the_real_leader_out()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);
        var credential = await PairAsync(standby);
        using (var forged = Leader(standby, credential, term: Now + 3_600_000_000L))
        {
            (await forged.GetAsync(AgentRoutes.Health.TrimStart('/'))).EnsureSuccessStatusCode();
        }

        using var leader = Leader(standby, credential, term: Now);
        (await leader.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(5), ContractJson.Options)).StatusCode
            .ShouldBe(HttpStatusCode.OK, "a term an hour ahead of the agent's clock was not taken as the highest");
    }

    [Fact]
    public async Task The_admin_password_cannot_raise_the_term_and_a_new_pairing_starts_the_terms_and_epochs_over()
    {
        var now = Now;
        await using var standby = await AgentUnderTest.StartAsync([]);
        var credential = await PairAsync(standby);
        standby.Http.DefaultRequestHeaders.Add(AgentRoutes.LeaderTermHeader, now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await standby.Http.GetAsync(AgentRoutes.Health.TrimStart('/'))).EnsureSuccessStatusCode();
        using var leader = Leader(standby, credential, term: now - 5_000_000);
        var takeover = AgentRoutes.Takeover("server-1").TrimStart('/');
        (await leader.PutAsJsonAsync(takeover, Request(5), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.OK, "a header sent with the admin password counts for nothing");

        using (var high = Leader(standby, credential, term: now))
        {
            (await high.GetAsync(AgentRoutes.Health.TrimStart('/'))).EnsureSuccessStatusCode();
            (await high.DeleteAsync(takeover + "?epoch=50")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        // A CMS restored from an older backup, or a new one, pairs again: its lower terms and epochs are obeyed from then on.
        var again = await PairAsync(standby);
        using var restored = Leader(standby, again, term: now - 6_000_000);
        (await restored.PutAsJsonAsync(AgentRoutes.Takeover("server-3").TrimStart('/'), Request(7), ContractJson.Options)).StatusCode
            .ShouldBe(HttpStatusCode.OK, "term and epoch 50 of the CMS paired before do not hold the new pairing back");
    }

    /// <summary>Terms are times in microseconds since 1970, as a CMS's database gives them.</summary>
    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

    private static async Task<string> PairAsync(AgentUnderTest agent)
    {
        using var anonymous = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        var paired = await anonymous.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "cms", "cms-cluster"), ContractJson.Options);
        paired.EnsureSuccessStatusCode();
        return (await paired.Content.ReadFromJsonAsync<PairingResponse>(ContractJson.Options))!.Credential;
    }

    private static HttpClient Leader(AgentUnderTest agent, string credential, long term)
    {
        var client = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential);
        client.DefaultRequestHeaders.Add(AgentRoutes.LeaderTermHeader, term.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return client;
    }

    private static async Task<string?> Rule(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.TryGetProperty("rule", out var rule) ? rule.GetString() : null;
    }
}

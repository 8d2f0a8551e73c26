using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Tests.Security;

/// <summary>A password guesser flooding the agent: it is cut off, and the CMS's probes go on answering.</summary>
public sealed class PasswordAttemptThrottlingTests
{
    [Fact]
    public async Task A_flood_of_wrong_passwords_gets_429_while_the_cms_health_probes_still_answer_quickly()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        using var cms = new HttpClient { BaseAddress = agent.Process.BaseUrl };
        var paired = await cms.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "cms"), ContractJson.Options);
        cms.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Bearer", (await paired.Content.ReadFromJsonAsync<PairingResponse>(ContractJson.Options))!.Credential);
        using var guesser = new HttpClient { BaseAddress = agent.Process.BaseUrl };

        using var flooding = new CancellationTokenSource();
        var flood = FloodAsync(guesser, flooding.Token);
        var probes = new List<(HttpStatusCode Status, TimeSpan Took)>();
        for (var i = 0; i < 20; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await cms.GetAsync(AgentRoutes.Health.TrimStart('/'));
            probes.Add((response.StatusCode, watch.Elapsed));
        }

        await flooding.CancelAsync();
        var statuses = await flood;

        probes.ShouldAllBe(p => p.Status == HttpStatusCode.OK);
        probes.Max(p => p.Took).ShouldBeLessThan(TimeSpan.FromSeconds(1));
        statuses.Take(FailureThrottle.MaxFailures).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        statuses.Count.ShouldBeGreaterThan(FailureThrottle.MaxFailures, "the flood went on past the limit");
        statuses.Skip(FailureThrottle.MaxFailures).ShouldAllBe(s => s == HttpStatusCode.TooManyRequests);

        var refused = await agent.Http.GetAsync(AgentRoutes.Info.TrimStart('/'));
        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "even the right password waits: the address is cut off before any hash");
        var seconds = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        seconds.ShouldBeInRange(1, (int)FailureThrottle.Window.TotalSeconds);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("auth.too-many-failures");
        var pairing = await guesser.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "cms"), ContractJson.Options);
        pairing.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "pairing shares the address's count");
        var slash = await guesser.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/') + "/", new PairingRequest(AgentUnderTest.Password, "cms"), ContractJson.Options);
        slash.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, "another spelling of the route is the same endpoint");
    }

    /// <summary>Wrong Basic passwords one after another until cancelled (at least the limit and a few more).</summary>
    private static async Task<List<HttpStatusCode>> FloodAsync(HttpClient guesser, CancellationToken stop)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; statuses.Count < FailureThrottle.MaxFailures + 5 || !stop.IsCancellationRequested; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AgentRoutes.Info.TrimStart('/'));
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:guess{i}")));
            using var response = await guesser.SendAsync(request, CancellationToken.None);
            statuses.Add(response.StatusCode);
        }

        return statuses;
    }
}

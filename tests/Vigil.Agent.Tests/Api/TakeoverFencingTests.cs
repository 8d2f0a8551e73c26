using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>
/// A credential holder trying to fence the real CMS out (raising the highest epoch with made-up keys) or
/// to make the standby run more recorders than its license.
/// </summary>
public sealed class TakeoverFencingTests
{
    // Nothing listens there: the recorders just retry, which is all these tests need.
    private static TakeoverRequest Request(long epoch, int cameras) =>
        new(epoch, "rec-1", Enumerable.Range(1, cameras).Select(n => new CameraConfig($"cam{n}", $"Camera {n}", $"http://127.0.0.1:9/cam/{n}")).ToList());

    [Fact]
    public async Task Commands_for_an_unknown_key_are_not_found_and_do_not_raise_the_epoch()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);

        var release = await standby.Http.DeleteAsync(AgentRoutes.Takeover("made-up").TrimStart('/') + "?epoch=1000000");
        var discard = await standby.Http.DeleteAsync(AgentRoutes.TakeoverRecordings("made-up").TrimStart('/') + "?epoch=1000000");
        var removal = await standby.Http.PostAsJsonAsync(AgentRoutes.TakeoverRecordingsRemoval("made-up").TrimStart('/'),
            new FootageRemoval(1000000, []), ContractJson.Options);

        release.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Rule(release)).ShouldBe("takeover.not-found");
        discard.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        removal.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var takeover = await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(5, 1), ContractJson.Options);
        takeover.StatusCode.ShouldBe(HttpStatusCode.OK, "the highest epoch is still below 5: " + await takeover.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_takeover_that_arrives_after_the_release_of_its_key_is_refused_for_that_key_alone()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);
        var late = AgentRoutes.Takeover("episode-7").TrimStart('/');

        // The CMS gave up on a takeover that never answered (the standby was paused) and released it under a newer epoch.
        (await standby.Http.DeleteAsync(late + "?epoch=8")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var arrived = await standby.Http.PutAsJsonAsync(late, Request(7, 1), ContractJson.Options);
        arrived.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Rule(arrived)).ShouldBe("takeover.stale-epoch");
        (await standby.Http.PutAsJsonAsync(late, Request(8, 1), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await standby.Http.DeleteAsync(late + "?epoch=8")).StatusCode.ShouldBe(HttpStatusCode.NotFound, "a fenced key stays unknown");
        var elsewhere = await standby.Http.DeleteAsync(AgentRoutes.Takeover("made-up").TrimStart('/') + "?epoch=2");
        (await Rule(elsewhere)).ShouldBe("takeover.not-found", "the fence did not raise the agent's highest epoch to 8");
        (await standby.GetAsync<List<TakeoverStatus>>(AgentRoutes.Takeovers))!.ShouldBeEmpty();

        (await standby.Http.PutAsJsonAsync(late, Request(9, 1), ContractJson.Options)).StatusCode
            .ShouldBe(HttpStatusCode.OK, "a newer takeover of the fenced key is obeyed");
    }

    [Fact]
    public async Task Releasing_a_released_takeover_again_succeeds_and_a_stale_epoch_is_a_conflict()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(5, 1), ContractJson.Options)).EnsureSuccessStatusCode();
        var path = AgentRoutes.Takeover("server-1").TrimStart('/');

        (await standby.Http.DeleteAsync(path + "?epoch=5")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await standby.Http.DeleteAsync(path + "?epoch=5")).StatusCode.ShouldBe(HttpStatusCode.NoContent, "a repeated release is done already");
        (await standby.Http.DeleteAsync(path + "?epoch=6")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var stale = await standby.Http.DeleteAsync(path + "?epoch=4");

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await Rule(stale)).ShouldBe("takeover.stale-epoch");
        (await standby.Http.DeleteAsync(AgentRoutes.Takeover("made-up").TrimStart('/') + "?epoch=3")).StatusCode
            .ShouldBe(HttpStatusCode.Conflict, "a stale epoch is refused before the key is looked at");
    }

    [Fact]
    public async Task A_takeover_with_more_cameras_than_licensed_channels_is_refused()
    {
        await using var standby = await AgentUnderTest.StartAsync(["--license-channels", "2"]);

        var over = await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(1, 3), ContractJson.Options);

        over.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Rule(over)).ShouldBe("takeover.over-license");
        (await standby.GetAsync<List<TakeoverStatus>>(AgentRoutes.Takeovers))!.ShouldBeEmpty();
        (await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-1").TrimStart('/') + "?epoch=1")).StatusCode
            .ShouldBe(HttpStatusCode.NoContent, "the CMS releases a standby it sent a takeover to, even a refused one");
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(1, 2), ContractJson.Options))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static async Task<string?> Rule(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>The agent API over real HTTP: pairing, authentication, refusals, downloads, takeovers.</summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class AgentApiTests(CameraSimulatorFixture cameras)
{
    [Fact]
    public async Task Liveness_needs_no_credential_but_everything_else_does()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        using var anonymous = new HttpClient { BaseAddress = agent.Process.BaseUrl };

        (await anonymous.GetAsync(AgentRoutes.Live.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.OK);
        foreach (var path in new[] { AgentRoutes.Info, AgentRoutes.Health, AgentRoutes.Cameras, AgentRoutes.Takeovers, AgentRoutes.Recordings })
        {
            var response = await anonymous.GetAsync(path.TrimStart('/'));
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
        }

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-credential");
        (await anonymous.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Pairing_trades_the_admin_password_for_a_credential_that_works_from_then_on()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        using var cms = new HttpClient { BaseAddress = agent.Process.BaseUrl };

        var wrong = await cms.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest("guess", "cms-1"), ContractJson.Options);
        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Problem(wrong)).GetProperty("rule").GetString().ShouldBe("pairing.wrong-password");

        var paired = await cms.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest(AgentUnderTest.Password, "cms-1"), ContractJson.Options);
        paired.StatusCode.ShouldBe(HttpStatusCode.OK);
        var credential = (await paired.Content.ReadFromJsonAsync<PairingResponse>(ContractJson.Options))!;
        cms.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", credential.Credential);

        var info = (await cms.GetFromJsonAsync<AgentInfo>(AgentRoutes.Info.TrimStart('/'), ContractJson.Options))!;
        info.Serial.ShouldBe(credential.Serial);
        info.Name.ShouldBe("rec-test");
        info.LicenseChannels.ShouldBe(16);
        info.Spaces.Single().IsEmpty.ShouldBeTrue();
        info.Version.ShouldBe(VigilVersion.Current.ToString());
    }

    [Fact]
    public async Task Guessing_the_admin_password_through_pairing_is_cut_off_after_ten_tries_a_minute()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        using var guesser = new HttpClient { BaseAddress = agent.Process.BaseUrl };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 11; i++)
        {
            using var response = await guesser.PostAsJsonAsync(AgentRoutes.Pairing.TrimStart('/'), new PairingRequest($"guess{i}", "cms"), ContractJson.Options);
            statuses.Add(response.StatusCode);
        }

        statuses.Take(10).ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        statuses[10].ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Theory]
    [InlineData("""{"id":"cam 1","name":"x","streamUrl":"rtsp://10.0.0.1/s"}""", "camera.invalid-id")]
    [InlineData("""{"id":"own","name":"x","streamUrl":"rtsp://10.0.0.1/s"}""", "camera.invalid-id")]
    [InlineData("""{"id":"c1","name":"","streamUrl":"rtsp://10.0.0.1/s"}""", "camera.invalid-name")]
    [InlineData("""{"id":"c1","name":"x","streamUrl":"file:///etc/passwd"}""", "camera.invalid-url")]
    [InlineData("""{"id":"c1","name":"x","streamUrl":"not a url"}""", "camera.invalid-url")]
    [InlineData("""{"id":"c1","name":"x","streamUrl":"rtsp://10.0.0.1/s","retentionHours":-1}""", "camera.invalid-retention")]
    public async Task Bad_cameras_are_refused_with_the_rule_and_nothing_changes(string body, string rule)
    {
        await using var agent = await AgentUnderTest.StartAsync([]);

        var response = await agent.Http.PostAsync(AgentRoutes.Cameras.TrimStart('/'), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem(response)).GetProperty("rule").GetString().ShouldBe(rule);
        (await agent.GetAsync<List<CameraConfig>>(AgentRoutes.Cameras))!.ShouldBeEmpty();
    }

    [Fact]
    public async Task Malformed_json_is_refused_and_unknown_cameras_are_not_found()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);

        var malformed = await agent.Http.PostAsync(AgentRoutes.Cameras.TrimStart('/'), new StringContent("{\"id\":", System.Text.Encoding.UTF8, "application/json"));
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await agent.Http.DeleteAsync(AgentRoutes.Camera("nope").TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await agent.Http.PostAsync(AgentRoutes.Snapshot("own", "nope").TrimStart('/'), null)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await agent.Http.GetAsync(AgentRoutes.RecordingContent(999).TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cameras_can_be_added_edited_and_removed_and_recording_follows()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var camera = new CameraConfig("door", "Front door", cameras.CameraUrl(3), Recording: true, RetentionHours: 24);

        (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), camera, ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await agent.Http.PostAsJsonAsync(AgentRoutes.Cameras.TrimStart('/'), camera, ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        await agent.SegmentsAsync("door", 1);

        var off = camera with { Recording = false };
        (await agent.Http.PutAsJsonAsync(AgentRoutes.Camera("door").TrimStart('/'), off, ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Testing.Eventually.UntilAsync(async () => (await agent.HealthAsync()).Cameras.Count == 0, TimeSpan.FromSeconds(20), "recording to stop");
        (await agent.GetAsync<CameraConfig>(AgentRoutes.Camera("door")))!.Recording.ShouldBeFalse();

        (await agent.Http.DeleteAsync(AgentRoutes.Camera("door").TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await agent.GetAsync<List<CameraConfig>>(AgentRoutes.Cameras))!.ShouldBeEmpty();
        (await agent.RecordingsAsync(camera: "door")).ShouldNotBeEmpty("recordings stay when a camera is removed");
    }

    [Fact]
    public async Task A_download_resumes_from_where_it_stopped_and_the_checksum_matches()
    {
        await using var agent = await AgentUnderTest.StartAsync(["--camera", $"cam7={cameras.CameraUrl(7)}"]);
        var segment = (await agent.SegmentsAsync("cam7", 1))[0];
        var url = AgentRoutes.RecordingContent(segment.Id).TrimStart('/');

        using var first = new HttpRequestMessage(HttpMethod.Get, url);
        first.Headers.Range = new RangeHeaderValue(0, 9_999);
        using var head = await agent.Http.SendAsync(first);
        head.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        var part1 = await head.Content.ReadAsByteArrayAsync();

        using var rest = new HttpRequestMessage(HttpMethod.Get, url);
        rest.Headers.Range = new RangeHeaderValue(part1.Length, null);
        using var tail = await agent.Http.SendAsync(rest);
        tail.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        tail.Content.Headers.ContentRange!.Length.ShouldBe(segment.Bytes);
        var whole = part1.Concat(await tail.Content.ReadAsByteArrayAsync()).ToArray();

        whole.Length.ShouldBe((int)segment.Bytes);
        Convert.ToHexStringLower(SHA256.HashData(whole)).ShouldBe(segment.Sha256);
    }

    [Fact]
    public async Task A_snapshot_is_a_jpeg_kept_in_the_catalog()
    {
        await using var agent = await AgentUnderTest.StartAsync(["--camera", $"cam8={cameras.CameraUrl(8)}"]);

        var response = await agent.Http.PostAsync(AgentRoutes.Snapshot("own", "cam8").TrimStart('/'), null);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var snapshot = (await response.Content.ReadFromJsonAsync<Contracts.Agent.Recording>(ContractJson.Options))!;
        snapshot.Kind.ShouldBe(RecordingKind.Snapshot);
        var bytes = await agent.Http.GetByteArrayAsync(AgentRoutes.RecordingContent(snapshot.Id).TrimStart('/'));
        bytes[..2].ShouldBe(new byte[] { 0xFF, 0xD8 }, "a JPEG starts with FFD8");
    }

    [Fact]
    public async Task A_missing_recording_space_is_reported_as_a_space_failure()
    {
        await using var agent = await AgentUnderTest.StartAsync([], spaces: 2);
        (await agent.HealthAsync()).Outcome.ShouldBe(HealthOutcome.Ok);

        Directory.Delete(agent.Space(2), recursive: true);

        var health = await agent.HealthAsync();
        health.Outcome.ShouldBe(HealthOutcome.SpaceFailure);
        health.Problem!.ShouldContain("missing");
        health.Spaces.Single(s => s.Path == agent.Space(2)).Present.ShouldBeFalse();
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

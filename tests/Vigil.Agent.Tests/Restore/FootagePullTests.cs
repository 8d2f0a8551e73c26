using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Restore;

/// <summary>
/// The recording server fetches its failover footage straight from the standby: with a read-only grant that reads that
/// takeover's footage and nothing else, and only from the certificate the CMS pinned.
/// </summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class FootagePullTests(CameraSimulatorFixture cameras)
{
    private const string Key = "server-1";

    [Fact]
    public async Task A_grant_reads_its_takeovers_footage_and_nothing_else()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);
        var footage = await RecordFootageAsync(standby);
        var token = await GrantAsync(standby);
        using var bearer = Bearer(standby, token);

        var page = await bearer.GetFromJsonAsync<RecordingList>($"{AgentRoutes.Recordings.TrimStart('/')}?owner={Key}", ContractJson.Options);
        page!.Recordings.Select(r => r.Id).ShouldBe(footage.Select(r => r.Id));
        var content = await bearer.GetByteArrayAsync(AgentRoutes.RecordingContent(footage[0].Id).TrimStart('/'));
        Convert.ToHexStringLower(SHA256.HashData(content)).ShouldBe(footage[0].Sha256);

        (await bearer.GetAsync($"{AgentRoutes.Recordings.TrimStart('/')}?owner=own")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await bearer.GetAsync(AgentRoutes.Recordings.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Forbidden, "no owner is every owner");
        (await bearer.GetAsync(AgentRoutes.Cameras.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await bearer.GetAsync(AgentRoutes.Audit.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await bearer.PostAsJsonAsync(AgentRoutes.TakeoverRecordingsRemoval(Key).TrimStart('/'), new FootageRemoval(4, [footage[0].Sha256]), ContractJson.Options))
            .StatusCode.ShouldBe(HttpStatusCode.Forbidden, "a grant reads; it never removes");
        (await standby.RecordingsAsync(owner: Key)).Count.ShouldBe(footage.Count);

        using var stranger = Bearer(standby, "not-a-granted-token");
        (await stranger.GetAsync($"{AgentRoutes.Recordings.TrimStart('/')}?owner={Key}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var refused = await standby.Http.PutAsJsonAsync(AgentRoutes.TakeoverGrant(Key).TrimStart('/'),
            new FootageGrant(Hash("t"), DateTimeOffset.UtcNow.AddDays(2)), ContractJson.Options);
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a grant lasts a day at most");
        (await standby.Http.PutAsJsonAsync(AgentRoutes.TakeoverGrant("server-9").TrimStart('/'),
            new FootageGrant(Hash("t"), DateTimeOffset.UtcNow.AddHours(1)), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_recording_server_fetches_from_the_pinned_standby_only_and_keeps_each_file_whole_once()
    {
        await using var standby = await AgentUnderTest.StartAsync([], scheme: "https");
        await using var home = await AgentUnderTest.StartAsync([], scheme: "https");
        var footage = await RecordFootageAsync(standby);
        var token = await GrantAsync(standby);
        var pin = (await standby.GetAsync<AgentIdentityView>(AgentRoutes.Identity))!.CertificateFingerprint.ShouldNotBeNull();
        var source = standby.Process.BaseUrl.GetLeftPart(UriPartial.Authority);

        var impostor = await PullAsync(home, new RestorePull(source, new string('0', 64), token, 0, footage));
        impostor[^1].End.ShouldBeTrue();
        impostor.ShouldContain(l => l.Rule == "restore.source-untrusted");
        impostor.Sum(l => l.Files).ShouldBe(0);
        (await home.RecordingsAsync()).ShouldBeEmpty("nothing is fetched from a certificate the CMS did not pin");

        var pulled = await PullAsync(home, new RestorePull(source, pin, token, 0, footage));
        pulled[^1].End.ShouldBeTrue();
        pulled.ShouldNotContain(l => l.Rule != null);
        pulled.Where(l => !l.AlreadyHome).Sum(l => l.Files).ShouldBe(footage.Count);
        pulled.Where(l => !l.AlreadyHome).Sum(l => l.Bytes).ShouldBe(footage.Sum(r => r.Bytes));
        (await home.RecordingsAsync()).Select(r => r.Sha256).Order().ShouldBe(footage.Select(r => r.Sha256).Order(), "every file home, byte for byte");

        var again = await PullAsync(home, new RestorePull(source, pin, token, 0, footage));
        again.Where(l => !l.AlreadyHome).Sum(l => l.Files + l.Bytes).ShouldBe(0, "what is home is never fetched again");
        again.Where(l => l.AlreadyHome).Sum(l => l.Files).ShouldBe(footage.Count);
        (await home.RecordingsAsync()).Count.ShouldBe(footage.Count);
    }

    /// <summary>
    /// The pull path's resume: the recording server killed in the middle of a large pulled file keeps what it wrote,
    /// and the next pull asks the standby only for the rest (an HTTP Range from that byte) and checks the whole. How
    /// little of what reached the killed process is lost (at most one write buffer) is the writer's, shared with the PUT
    /// path and measured in <c>ResumedRestoreTests</c>.
    /// </summary>
    [Fact]
    public async Task The_recording_server_killed_mid_pull_fetches_only_the_rest_of_the_file_afterwards()
    {
        await using var standby = await AgentUnderTest.StartAsync([], scheme: "https");
        await using var home = await AgentUnderTest.StartAsync([], scheme: "https");
        var bytes = RandomNumberGenerator.GetBytes(48 * 1024 * 1024);
        var large = await LeaveFootageAsync(standby, bytes);
        var token = await GrantAsync(standby);
        var pin = (await standby.GetAsync<AgentIdentityView>(AgentRoutes.Identity))!.CertificateFingerprint.ShouldNotBeNull();
        var source = standby.Process.BaseUrl.GetLeftPart(UriPartial.Authority);

        // Paced at 4 MiB/s, the 48 MiB file is a third home after about 4 s, when the recording server is killed.
        var pulling = PullAsync(home, new RestorePull(source, pin, token, 4 * 1024 * 1024, [large]));
        var written = 0L;
        await Eventually.UntilAsync(async () => (written = await PartialAsync(home, large)) >= 16 * 1024 * 1024, TimeSpan.FromSeconds(60), "a third of the file to be written");
        await home.Process.KillAsync();
        await Should.ThrowAsync<Exception>(() => pulling);
        await home.StartAsync();

        var kept = await PartialAsync(home, large);
        kept.ShouldBeInRange(written, bytes.Length - 1, "what was written before the kill is kept, and the file is not home yet");
        var resumed = await PullAsync(home, new RestorePull(source, pin, token, 0, [large]));

        resumed[^1].End.ShouldBeTrue();
        resumed.ShouldNotContain(l => l.Rule != null);
        resumed.Where(l => l.AlreadyHome).Sum(l => l.Bytes).ShouldBe(kept, "the pull starts from the bytes kept");
        resumed.Where(l => !l.AlreadyHome).Sum(l => l.Bytes).ShouldBe(bytes.Length - kept, "only the rest is fetched");
        (await home.RecordingsAsync()).Single().Sha256.ShouldBe(large.Sha256, "the file is home whole, checked end to end");
    }

    /// <summary>A released takeover whose only footage is <paramref name="bytes"/>, left in its camera folder and catalogued by the release's sweep.</summary>
    private async Task<Contracts.Agent.Recording> LeaveFootageAsync(AgentUnderTest standby, byte[] bytes)
    {
        var takeover = new TakeoverRequest(4, "rec-1", [new CameraConfig("cam7", "Camera 7", cameras.CameraUrl(7))]);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover(Key).TrimStart('/'), takeover, ContractJson.Options)).EnsureSuccessStatusCode();
        var folder = Path.Combine(standby.Space(1), "failover", Key, "cam7", "2026-11-23");
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, "large.ts"), bytes);
        (await standby.Http.DeleteAsync(AgentRoutes.Takeover(Key).TrimStart('/') + "?epoch=4")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        return (await standby.RecordingsAsync(owner: Key)).Single(r => r.FileName == "large.ts");
    }

    private static async Task<long> PartialAsync(AgentUnderTest home, Contracts.Agent.Recording recording)
    {
        var check = new RestoreCheck([new RecordingIdentity(recording.CameraId, recording.Kind, recording.Sha256, recording.Start, recording.End)]);
        var response = await home.Http.PostAsJsonAsync(AgentRoutes.RestoredRecordingsCheck.TrimStart('/'), check, ContractJson.Options);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<RestoreCheckResult>(ContractJson.Options))!.Held.SingleOrDefault()?.PartialBytes ?? 0;
    }

    private async Task<IReadOnlyList<Contracts.Agent.Recording>> RecordFootageAsync(AgentUnderTest standby)
    {
        var takeover = new TakeoverRequest(4, "rec-1", [new CameraConfig("cam7", "Camera 7", cameras.CameraUrl(7))]);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover(Key).TrimStart('/'), takeover, ContractJson.Options)).EnsureSuccessStatusCode();
        await standby.SegmentsAsync("cam7", 3, owner: Key);
        (await standby.Http.DeleteAsync(AgentRoutes.Takeover(Key).TrimStart('/') + "?epoch=4")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        return await standby.RecordingsAsync(owner: Key);
    }

    private static async Task<string> GrantAsync(AgentUnderTest standby)
    {
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        (await standby.Http.PutAsJsonAsync(AgentRoutes.TakeoverGrant(Key).TrimStart('/'),
            new FootageGrant(Hash(token), DateTimeOffset.UtcNow.AddHours(1)), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        return token;
    }

    private static async Task<List<RestorePullReport>> PullAsync(AgentUnderTest home, RestorePull pull)
    {
        using var response = await home.Http.PostAsJsonAsync(AgentRoutes.RestoredRecordingsPull.TrimStart('/'), pull, ContractJson.Options);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonSerializer.Deserialize<RestorePullReport>(line, ContractJson.Options)!).ToList();
    }

    private static HttpClient Bearer(AgentUnderTest agent, string token)
    {
        var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true }) { BaseAddress = agent.Process.BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}

using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>Footage a standby recorded, handed home: kept only with the announced checksum, catalogued as the server's own, once.</summary>
public sealed class RestoredRecordingTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_recording_with_its_checksum_is_kept_as_the_servers_own_and_sending_it_again_changes_nothing()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(100_000);
        var recording = Describe(bytes, SHA256.HashData(bytes));

        var first = await PutAsync(agent, recording, bytes);
        var again = await PutAsync(agent, recording, bytes);

        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var kept = (await first.Content.ReadFromJsonAsync<Contracts.Agent.Recording>(ContractJson.Options))!;
        kept.Owner.ShouldBe(AgentRoutes.OwnRecordings);
        kept.Start.ShouldBe(Start);
        kept.End.ShouldBe(Start.AddSeconds(2));
        kept.Sha256.ShouldBe(recording.Sha256);
        (await again.Content.ReadFromJsonAsync<Contracts.Agent.Recording>(ContractJson.Options))!.Id.ShouldBe(kept.Id);
        (await agent.RecordingsAsync(camera: "cam-1")).ShouldHaveSingleItem();
        (await File.ReadAllBytesAsync(RestoredFile(agent))).ShouldBe(bytes);
        var audit = (await agent.GetAsync<AuditList>(AgentRoutes.Audit))!.Entries;
        audit.ShouldHaveSingleItem("sending it again is no new change").Action.ShouldBe("restore.receive");
        audit[0].Detail.ShouldContain(recording.Sha256, Case.Insensitive);
    }

    [Fact]
    public async Task Different_footage_of_a_name_already_kept_is_kept_beside_it_and_neither_is_replaced()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(20_000);
        var other = RandomNumberGenerator.GetBytes(20_000);
        (await PutAsync(agent, Describe(bytes, SHA256.HashData(bytes)), bytes)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var response = await PutAsync(agent, Describe(other, SHA256.HashData(other)), other);
        var again = await PutAsync(agent, Describe(other, SHA256.HashData(other)), other);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var beside = (await response.Content.ReadFromJsonAsync<Contracts.Agent.Recording>(ContractJson.Options))!;
        var otherSha = Convert.ToHexStringLower(SHA256.HashData(other));
        beside.FileName.ShouldBe($"restored-100000000-000001-{otherSha[..16]}.ts");
        (await again.Content.ReadFromJsonAsync<Contracts.Agent.Recording>(ContractJson.Options))!.Id.ShouldBe(beside.Id, "sent again, it is home already");
        (await agent.RecordingsAsync(camera: "cam-1")).Select(r => r.Sha256).ShouldBe([Convert.ToHexStringLower(SHA256.HashData(bytes)), otherSha], ignoreOrder: true);
        (await File.ReadAllBytesAsync(RestoredFile(agent))).ShouldBe(bytes);
        (await File.ReadAllBytesAsync(Path.Combine(Path.GetDirectoryName(RestoredFile(agent))!, beside.FileName))).ShouldBe(other);
    }

    [Fact]
    public async Task The_same_bytes_recorded_at_other_times_are_each_kept_at_their_own_time_and_are_home_only_at_it()
    {
        // A dark, unchanging picture: two standbys (or one, in two sessions) can record a segment byte for byte alike.
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(20_000);
        var first = Describe(bytes, SHA256.HashData(bytes));
        var later = first with { Start = Start.AddSeconds(10), End = Start.AddSeconds(12) };
        var latest = first with { Start = Start.AddSeconds(20), End = Start.AddSeconds(22) };
        (await PutAsync(agent, first, bytes)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await CheckAsync(agent, first, later)).ShouldBe([(first.Start, first.End)], "the same bytes at another time are not home");
        var keptLater = await KeptAsync(await PutAsync(agent, later, bytes));
        var keptLatest = await KeptAsync(await PutAsync(agent, latest, bytes));
        var again = await KeptAsync(await PutAsync(agent, later, bytes));

        var sha = first.Sha256;
        keptLater.FileName.ShouldBe($"restored-100000000-000001-{sha[..16]}.ts");
        keptLatest.FileName.ShouldBe($"restored-100000000-000001-{sha[..16]}-{latest.Start.ToUnixTimeMilliseconds()}.ts");
        again.Id.ShouldBe(keptLater.Id, "sent again, it is home already");
        (keptLater.Start, keptLater.End).ShouldBe((later.Start, later.End));
        (await agent.RecordingsAsync(camera: "cam-1")).Select(r => r.Start).ShouldBe([first.Start, later.Start, latest.Start], ignoreOrder: true);
        (await CheckAsync(agent, first, later, latest)).Count.ShouldBe(3);
    }

    [Fact]
    public async Task A_file_moved_in_but_not_catalogued_before_a_crash_is_never_replaced_by_different_footage()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var left = RandomNumberGenerator.GetBytes(20_000);
        var other = RandomNumberGenerator.GetBytes(20_000);
        Directory.CreateDirectory(Path.GetDirectoryName(RestoredFile(agent))!);
        await File.WriteAllBytesAsync(RestoredFile(agent), left);

        var different = await PutAsync(agent, Describe(other, SHA256.HashData(other)), other);
        var same = await PutAsync(agent, Describe(left, SHA256.HashData(left)), left);

        different.StatusCode.ShouldBe(HttpStatusCode.OK, "different footage goes beside the file left by the crash");
        same.StatusCode.ShouldBe(HttpStatusCode.OK, "the same footage again is the copy resuming");
        (await same.Content.ReadFromJsonAsync<Contracts.Agent.Recording>(ContractJson.Options))!.FileName.ShouldBe(Path.GetFileName(RestoredFile(agent)));
        (await agent.RecordingsAsync(camera: "cam-1")).Count.ShouldBe(2);
        (await File.ReadAllBytesAsync(RestoredFile(agent))).ShouldBe(left);
    }

    [Fact]
    public async Task Bytes_that_do_not_match_the_checksum_are_refused_and_nothing_is_left()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(50_000);

        var response = await PutAsync(agent, Describe(bytes, SHA256.HashData([1, 2, 3])), bytes);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("restore.checksum-mismatch");
        (await agent.RecordingsAsync()).ShouldBeEmpty();
        Directory.EnumerateFiles(agent.Space(1), "*", SearchOption.AllDirectories).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_name_that_could_leave_the_space_is_refused()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);
        var bytes = RandomNumberGenerator.GetBytes(10);

        var response = await PutAsync(agent, Describe(bytes, SHA256.HashData(bytes)) with { Folder = ".." }, bytes);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString().ShouldBe("restore.invalid-request");
    }

    [Fact]
    public async Task Licenses_moved_here_are_reported_from_then_on()
    {
        await using var agent = await AgentUnderTest.StartAsync([]);

        (await agent.Http.PutAsJsonAsync(AgentRoutes.License.TrimStart('/'), new LicenseRequest(8), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await agent.GetAsync<AgentInfo>(AgentRoutes.Info))!.LicenseChannels.ShouldBe(8);
        (await agent.Http.PutAsJsonAsync(AgentRoutes.License.TrimStart('/'), new LicenseRequest(0), ContractJson.Options)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private static string RestoredFile(AgentUnderTest agent) =>
        Path.Combine(agent.Space(1), "own", "cam-1", "2026-11-23", "restored-100000000-000001.ts");

    private static RestoredRecording Describe(byte[] bytes, byte[] sha) =>
        new("cam-1", RecordingKind.Video, Start, Start.AddSeconds(2), bytes.Length, Convert.ToHexStringLower(sha), "2026-11-23", "100000000-000001.ts");

    private static async Task<Contracts.Agent.Recording> KeptAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<Contracts.Agent.Recording>(ContractJson.Options))!;
    }

    /// <summary>The spans of the asked recordings the agent says are home, complete.</summary>
    private static async Task<List<(DateTimeOffset?, DateTimeOffset?)>> CheckAsync(AgentUnderTest agent, params RestoredRecording[] recordings)
    {
        var response = await agent.Http.PostAsJsonAsync(
            AgentRoutes.RestoredRecordingsCheck.TrimStart('/'), new RestoreCheck([.. recordings.Select(r => r.Identity)]), ContractJson.Options);
        var held = (await response.Content.ReadFromJsonAsync<RestoreCheckResult>(ContractJson.Options))!.Held;
        return [.. held.Where(h => h.Complete).Select(h => (h.Start, h.End))];
    }

    private static Task<HttpResponseMessage> PutAsync(AgentUnderTest agent, RestoredRecording recording, byte[] bytes) =>
        agent.Http.PutAsync($"{AgentRoutes.RestoredRecordings.TrimStart('/')}?{recording.ToQuery()}", new ByteArrayContent(bytes));
}

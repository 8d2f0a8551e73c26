using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>A released takeover's footage leaves the standby only once the recording server has confirmed it home.</summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class TakeoverFootageTests(CameraSimulatorFixture cameras)
{
    private TakeoverRequest Request(long epoch) => new(epoch, "rec-1", [new CameraConfig("cam7", "Camera 7", cameras.CameraUrl(7))]);

    [Fact]
    public async Task Only_confirmed_footage_is_deleted_and_the_folders_go_only_when_nothing_is_left()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(4), ContractJson.Options)).EnsureSuccessStatusCode();
        await standby.SegmentsAsync("cam7", 3, owner: "server-1");
        var early = await RemoveAsync(standby, 4, []);
        early.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await RuleAsync(early)).ShouldBe("takeover.still-recording");
        (await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-1").TrimStart('/') + "?epoch=4")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var recorded = await standby.RecordingsAsync(owner: "server-1");
        var kept = recorded[^1];
        var confirmed = recorded.SkipLast(1).Select((r, i) => i == 0 ? r.Sha256.ToUpperInvariant() : r.Sha256).ToList();

        foreach (var malformed in new List<string>[] { ["not a checksum"], Enumerable.Repeat(kept.Sha256, RecordingList.MaxPageSize + 1).ToList() })
        {
            var refused = await RemoveAsync(standby, 4, malformed);
            refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await RuleAsync(refused)).ShouldBe("takeover.invalid-removal");
        }

        var stale = await RemoveAsync(standby, 3, confirmed);
        var first = await RemoveAsync(standby, 4, confirmed);

        stale.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await RuleAsync(stale)).ShouldBe("takeover.stale-epoch");
        (await ResultAsync(first)).ShouldBe(new FootageRemovalResult(recorded.Count - 1, 1));
        (await standby.RecordingsAsync(owner: "server-1")).Single().Id.ShouldBe(kept.Id);
        standby.SegmentFiles("cam7", owner: "server-1").Select(Path.GetFileName).ShouldBe([kept.FileName]);

        // A file nobody catalogued yet is swept in first, so it cannot vanish with a folder it was not confirmed from.
        var stray = Path.Combine(standby.Space(1), "failover", "server-1", "cam7", "2026-01-01", "stray.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(stray)!);
        var strayBytes = RandomNumberGenerator.GetBytes(5_000);
        await File.WriteAllBytesAsync(stray, strayBytes);
        (await ResultAsync(await RemoveAsync(standby, 4, [kept.Sha256]))).ShouldBe(new FootageRemovalResult(1, 1));
        File.Exists(stray).ShouldBeTrue();
        (await standby.RecordingsAsync(owner: "server-1")).Single().FileName.ShouldBe("stray.ts");

        (await ResultAsync(await RemoveAsync(standby, 4, [Convert.ToHexStringLower(SHA256.HashData(strayBytes))]))).ShouldBe(new FootageRemovalResult(1, 0));
        Directory.Exists(Path.Combine(standby.Space(1), "failover", "server-1")).ShouldBeFalse();
        (await standby.GetAsync<AgentInfo>(AgentRoutes.Info))!.Spaces.Single().IsEmpty.ShouldBeTrue();
        (await standby.GetAsync<AuditList>(AgentRoutes.Audit))!.Entries.Count(e => e.Action == "footage.remove")
            .ShouldBe(3, "each removal obeyed is recorded, the refused ones are not");
    }

    [Fact]
    public async Task A_removal_by_id_leaves_a_file_of_the_same_bytes_recorded_at_another_time()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(4), ContractJson.Options)).EnsureSuccessStatusCode();
        await standby.SegmentsAsync("cam7", 1, owner: "server-1");

        // Two files alike byte for byte, written ten seconds apart (an unchanging picture), swept into the catalog at release.
        var folder = Path.Combine(standby.Space(1), "failover", "server-1", "cam7", "2026-01-01");
        Directory.CreateDirectory(folder);
        var bytes = RandomNumberGenerator.GetBytes(5_000);
        foreach (var (name, at) in new[] { ("twin-a.ts", new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Utc)), ("twin-b.ts", new DateTime(2026, 1, 1, 10, 0, 10, DateTimeKind.Utc)) })
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, name), bytes);
            File.SetLastWriteTimeUtc(Path.Combine(folder, name), at);
        }

        (await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-1").TrimStart('/') + "?epoch=4")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var recorded = await standby.RecordingsAsync(owner: "server-1");
        var twinA = recorded.Single(r => r.FileName == "twin-a.ts");
        var removal = new FootageRemoval(4, [twinA.Sha256], [twinA.Id]);
        var response = await standby.Http.PostAsJsonAsync(AgentRoutes.TakeoverRecordingsRemoval("server-1").TrimStart('/'), removal, ContractJson.Options);

        (await ResultAsync(response)).ShouldBe(new FootageRemovalResult(1, recorded.Count - 1));
        File.Exists(Path.Combine(folder, "twin-a.ts")).ShouldBeFalse();
        File.Exists(Path.Combine(folder, "twin-b.ts")).ShouldBeTrue("its bytes are home, but not its time");
        (await standby.RecordingsAsync(owner: "server-1")).ShouldContain(r => r.FileName == "twin-b.ts");
    }

    private static Task<HttpResponseMessage> RemoveAsync(AgentUnderTest standby, long epoch, IReadOnlyList<string> sha256) =>
        standby.Http.PostAsJsonAsync(AgentRoutes.TakeoverRecordingsRemoval("server-1").TrimStart('/'), new FootageRemoval(epoch, sha256), ContractJson.Options);

    private static async Task<FootageRemovalResult> ResultAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<FootageRemovalResult>(ContractJson.Options))!;
    }

    private static async Task<string?> RuleAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rule").GetString();
}

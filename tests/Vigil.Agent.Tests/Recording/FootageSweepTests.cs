using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Recording;

/// <summary>Releasing a takeover catalogs every file left under its folders, so a restore never misses footage.</summary>
[Collection(CameraSimulatorGroup.Name)]
public sealed class FootageSweepTests(CameraSimulatorFixture cameras)
{
    private static readonly DateTime Written = new(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    private TakeoverRequest Request(long epoch, int camera) =>
        new(epoch, "rec-1", [new CameraConfig($"cam{camera}", $"Camera {camera}", cameras.CameraUrl(camera))]);

    [Fact]
    public async Task A_file_ffprobe_cannot_read_is_catalogued_as_it_is_and_an_empty_one_is_dropped()
    {
        await using var standby = await AgentUnderTest.StartAsync([]);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-1").TrimStart('/'), Request(1, 5), ContractJson.Options)).EnsureSuccessStatusCode();
        await standby.SegmentsAsync("cam5", 1, owner: "server-1");
        var stray = Path.Combine(standby.Space(1), "failover", "server-1", "cam5", "2026-03-04");
        Directory.CreateDirectory(stray);
        var garbage = RandomNumberGenerator.GetBytes(10_000);
        var unreadable = Path.Combine(stray, "unreadable.ts");
        await File.WriteAllBytesAsync(unreadable, garbage);
        File.SetLastWriteTimeUtc(unreadable, Written);
        var empty = Path.Combine(stray, "empty.ts");
        await File.WriteAllBytesAsync(empty, new byte[10]);

        var released = await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-1").TrimStart('/') + "?epoch=1");

        released.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var swept = (await standby.RecordingsAsync(owner: "server-1")).Single(r => r.FileName == "unreadable.ts");
        swept.Kind.ShouldBe(RecordingKind.Video);
        swept.CameraId.ShouldBe("cam5");
        swept.Start.ShouldBe(new DateTimeOffset(Written));
        swept.End.ShouldBe(swept.Start);
        swept.Bytes.ShouldBe(garbage.Length);
        swept.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(garbage)));
        File.Exists(empty).ShouldBeFalse("a file smaller than one TS packet holds no footage");
        await ShouldAllBeCataloguedAsync(standby, "server-1", "cam5");
    }

    [Fact]
    public async Task Footage_recorded_while_ffprobe_cannot_run_is_still_catalogued_on_release()
    {
        using var ffprobe = new AbsentFfprobe();
        await using var standby = await AgentUnderTest.StartAsync([], environment: ffprobe.Environment);
        (await standby.Http.PutAsJsonAsync(AgentRoutes.Takeover("server-2").TrimStart('/'), Request(1, 6), ContractJson.Options)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(() => standby.SegmentFiles("cam6", owner: "server-2").Any(f => new FileInfo(f).Length > 10_000),
            TimeSpan.FromSeconds(30), "a segment written that cannot be probed");
        (await standby.RecordingsAsync(owner: "server-2")).ShouldBeEmpty("without ffprobe no segment is catalogued while recording");

        var released = await standby.Http.DeleteAsync(AgentRoutes.Takeover("server-2").TrimStart('/') + "?epoch=1");

        released.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var swept = await standby.RecordingsAsync(owner: "server-2");
        swept.ShouldNotBeEmpty();
        swept.ShouldAllBe(r => r.Kind == RecordingKind.Video && r.Start == r.End && r.CameraId == "cam6");
        await ShouldAllBeCataloguedAsync(standby, "server-2", "cam6");
    }

    /// <summary>Every file left under the key's camera folder is in the catalog with its real size and checksum.</summary>
    private static async Task ShouldAllBeCataloguedAsync(AgentUnderTest standby, string owner, string camera)
    {
        var catalogued = (await standby.RecordingsAsync(owner: owner)).ToDictionary(r => r.FileName);
        var files = Directory.EnumerateFiles(Path.Combine(standby.Space(1), "failover", owner, camera), "*", SearchOption.AllDirectories).ToList();
        files.ShouldNotBeEmpty();
        foreach (var file in files)
        {
            catalogued.ShouldContainKey(Path.GetFileName(file));
            var entry = catalogued[Path.GetFileName(file)];
            entry.Bytes.ShouldBe(new FileInfo(file).Length);
            entry.Sha256.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))));
        }
    }
}

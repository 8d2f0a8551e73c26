using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The whole failover with real processes and real ffmpeg: a paused agent that comes back within the
/// detection window is not taken over; a SIGKILLed one is, by the standby, within the detection window
/// plus one segment; when it returns it records before the standby stops, and every segment the
/// standby made is copied home with its checksum and then removed from the standby.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class FailoverEndToEndTests : IAsyncLifetime
{
    private const int SegmentSeconds = 2;
    private const double ProbeSeconds = 1;
    private const int Misses = 3;

    private readonly List<VigilProcess> _processes = [];
    private string _root = null!;
    private VigilProcess _camsim = null!;
    private TestDatabase _database = null!;
    private CmsUnderTest _cms = null!;

    public async Task InitializeAsync()
    {
        _root = Directory.CreateTempSubdirectory("vigil-failover-e2e-").FullName;
        _camsim = Track(await VigilProcess.StartAsync(["camsim", "--urls", "http://127.0.0.1:0", "--cameras", "2"]));
        _database = await TestDatabase.SqliteAsync();
        _cms = await CmsUnderTest.StartAsync(_database);
        var settings = await _cms.GetAsync<SettingsView>(CmsRoutes.Settings);
        (await _cms.PutAsync(CmsRoutes.Settings, settings with
        {
            ProbeIntervalMs = (int)(ProbeSeconds * 1000),
            ProbeTimeoutMs = 800,
            MissesBeforeFailure = Misses,
            StabilisationSeconds = 3,
            StandbyMinimumFreeBytes = 100L * 1024 * 1024,
        })).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_killed_recording_server_is_taken_over_and_gets_every_second_back()
    {
        var recordingData = Path.Combine(_root, "rec");
        var recording = await StartAgentAsync("rec", recordingData, 0,
            "--camera", $"cam-1={new Uri(_camsim.BaseUrl, "cam/1")}", "--camera", $"cam-2={new Uri(_camsim.BaseUrl, "cam/2")}");
        var recordingPort = recording.BaseUrl.Port;
        var standbyData = Path.Combine(_root, "standby");
        var standby = await StartAgentAsync("standby", standbyData, 0);
        var rec = await _cms.AddAsync(AgentsFixture.Add(recording, ServerRoleName.Recording));
        var sb = await _cms.AddAsync(AgentsFixture.Add(standby, ServerRoleName.Standby));
        await WaitStatusAsync(rec.Id, "normal_protected");
        await Eventually.UntilAsync(() => OwnSegments(recordingData, "cam-1").Count >= 3, TimeSpan.FromSeconds(30), "the recording server to record");

        // A pause shorter than the detection window is a flap, not a failure. The pause's length is the stimulus.
        Signal(recording, "STOP");
        await Task.Delay(TimeSpan.FromSeconds(ProbeSeconds * (Misses - 1.5)));
        Signal(recording, "CONT");
        var resumedAt = DateTimeOffset.UtcNow;
        await Eventually.UntilAsync(async () =>
        {
            var health = (await _cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).Health;
            return health.State == "healthy" && health.LastProbe > resumedAt + TimeSpan.FromSeconds(ProbeSeconds);
        }, TimeSpan.FromSeconds(20), "probes to succeed again after the pause");
        (await _cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldBeEmpty();
        (await _cms.GetAsync<EventList>(CmsRoutes.Events)).Events.ShouldNotContain(e => e.Kind == "failover");

        await recording.KillAsync();
        await WaitStatusAsync(rec.Id, "abnormal_protected");
        (await StatusOfAsync(sb.Id)).ShouldBe("normal_protecting");
        var failover = (await _cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem();
        failover.StandbyId.ShouldBe(sb.Id);
        failover.Epoch.ShouldBeGreaterThan(0);
        var key = $"episode-{failover.Id}";
        await Eventually.UntilAsync(() => FailoverSegments(standbyData, key, "cam-1").Count >= 4, TimeSpan.FromSeconds(30), "the standby to record");

        // Changing the protected server is refused while the standby records for it.
        var frozen = await _cms.Http.PatchAsJsonAsync(CmsRoutes.Server(rec.Id).TrimStart('/'), new EditServerRequest(Name: "renamed"), ContractJson.Options);
        await frozen.ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.protected-during-failover");

        var onStandby = await AgentRecordingsAsync(standby, key);
        onStandby.ShouldNotBeEmpty();
        var back = await StartAgentAsync("rec", recordingData, recordingPort,
            "--camera", $"cam-1={new Uri(_camsim.BaseUrl, "cam/1")}", "--camera", $"cam-2={new Uri(_camsim.BaseUrl, "cam/2")}");
        var backAt = DateTime.UtcNow;
        var done = await Eventually.GetAsync(async () =>
        {
            var latest = await _cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id));
            return latest.Phase == "completed" ? latest : null;
        }, TimeSpan.FromSeconds(90), "failback and restore to complete");

        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);
        done.Restore.Percent.ShouldBe(100);
        var home = await AgentRecordingsAsync(back, AgentRoutes.OwnRecordings);
        var homeChecksums = home.Select(r => r.Sha256).ToHashSet();
        onStandby.Where(r => !homeChecksums.Contains(r.Sha256)).ShouldBeEmpty("every failover recording is home with the same checksum");
        (await AgentRecordingsAsync(back, key)).ShouldBeEmpty();
        (await AgentRecordingsAsync(standby, key)).ShouldBeEmpty("the standby's failover footage is removed");
        Directory.Exists(Path.Combine(standbyData, "space1", "failover", key)).ShouldBeFalse();
        await WaitStatusAsync(rec.Id, "normal_protected");
        await WaitStatusAsync(sb.Id, "normal_ready");

        // Camera time: own segments before the kill, the standby's segments (now restored home), own segments after.
        var all = await CameraTimeline.ReadAsync(CameraFiles(recordingData, "cam-1"));
        var bound = (ProbeSeconds * Misses) + SegmentSeconds + 1;
        all.LongestGap().ShouldBeLessThanOrEqualTo(bound, $"camera-time gap across takeover and failback (bound {bound} s)");
        var restored = await CameraTimeline.ReadAsync(CameraFiles(recordingData, "cam-1").Where(f => Path.GetFileName(f).StartsWith("restored-", StringComparison.Ordinal)));
        var resumed = await CameraTimeline.ReadAsync(CameraFiles(recordingData, "cam-1")
            .Where(f => !Path.GetFileName(f).StartsWith("restored-", StringComparison.Ordinal) && File.GetLastWriteTimeUtc(f) > backAt));
        resumed.Segments[0].Start.ShouldBeLessThanOrEqualTo(restored.Segments[^1].End, "make before break: the original records before the standby stops");

        var events = await _cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}&limit=200");
        events.Events.Select(e => e.To).ShouldContain("active");
        events.Events.Select(e => e.To).ShouldContain("restoring");
        events.Events.Select(e => e.To).ShouldContain("completed");
    }

    public async Task DisposeAsync()
    {
        await _cms.DisposeAsync();
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }

        await _database.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private VigilProcess Track(VigilProcess process)
    {
        _processes.Add(process);
        return process;
    }

    private async Task<VigilProcess> StartAgentAsync(string name, string data, int port, params string[] extra) =>
        Track(await VigilProcess.StartAsync(
            ["agent", "--data", data, "--urls", $"http://127.0.0.1:{port}", "--name", name, "--segment-seconds", SegmentSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra],
            new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentsFixture.Password }));

    private async Task<string> StatusOfAsync(int id) => (await _cms.GetAsync<ServerView>(CmsRoutes.Server(id))).Status.Code;

    private Task WaitStatusAsync(int id, string status) =>
        Eventually.UntilAsync(async () => await StatusOfAsync(id) == status, TimeSpan.FromSeconds(60), $"server {id} to be {status}");

    private static async Task<IReadOnlyList<Recording>> AgentRecordingsAsync(VigilProcess agent, string owner)
    {
        using var http = new HttpClient { BaseAddress = agent.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{AgentsFixture.Password}")));
        var list = await http.GetFromJsonAsync<RecordingList>($"api/v1/recordings?owner={owner}", ContractJson.Options);
        return list!.Recordings;
    }

    private static List<string> OwnSegments(string data, string camera) =>
        Files(Path.Combine(data, "space1", "own", camera));

    private static List<string> FailoverSegments(string data, string key, string camera) =>
        Files(Path.Combine(data, "space1", "failover", key, camera));

    private static List<string> CameraFiles(string data, string camera) => OwnSegments(data, camera);

    private static List<string> Files(string folder) => Directory.Exists(folder)
        ? Directory.EnumerateFiles(folder, "*.ts", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0).ToList()
        : [];

    private static void Signal(VigilProcess process, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}

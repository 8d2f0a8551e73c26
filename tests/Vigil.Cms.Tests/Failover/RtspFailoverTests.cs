using System.Security.Cryptography;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Vigil.Testing.Rtsp;
using Xunit.Abstractions;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// Failover of a recording server whose cameras are real RTSP cameras (GStreamer's RTSP server): one H.264 over
/// TCP, one H.265 with AAC audio and a password over UDP. The gap and the overlap are read from the catalogs,
/// whose spans are the agents' clock (an RTSP camera's own timestamps start anywhere), and every failover file
/// is hashed on the original's disk.
/// </summary>
[Collection(CmsTestGroup.Name)]
public sealed class RtspFailoverTests(ITestOutputHelper output) : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task A_recording_server_with_rtsp_cameras_fails_over_and_back_with_gap_and_overlap_measured_from_the_catalog()
    {
        await using var entrance = await RtspCamera.StartAsync();
        await using var office = await RtspCamera.StartAsync(new RtspCameraSettings(Codec: "h265", Audio: "aac", User: "viewer", Password: "pa:ss"));
        var recording = await Site.StartAgentWithCamerasAsync("rec", ("entrance", entrance.Url), ("office", office.Url + "#transport=udp"));
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(standby, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        foreach (var camera in new[] { "entrance", "office" })
        {
            await Eventually.UntilAsync(() => Site.OwnSegments("rec", camera).Count >= 3, TimeSpan.FromSeconds(30), $"rec to record {camera}");
        }

        await recording.KillTreeAsync();
        var killedAt = TimeProvider.System.GetUtcNow();
        await Site.WaitStatusAsync(rec.Id, "abnormal_protected");
        var failover = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.ShouldHaveSingleItem();
        var key = failover.FootageKey;
        foreach (var camera in new[] { "entrance", "office" })
        {
            await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, camera).Count >= 3, TimeSpan.FromSeconds(30), $"the standby to record {camera}");
        }

        var onStandby = await FailoverSite.RecordingsAsync(standby, key);
        var runsBegan = new[] { "entrance", "office" }.ToDictionary(c => c, c => StandbyRunBegan(c, key));
        var back = await Site.StartAgentAsync("rec");
        var done = await Site.WaitFailoverAsync(rec.Id, f => f.Phase == "completed", "failback and restore to complete");
        done.Restore.FilesCopied.ShouldBe(done.Restore.FilesTotal);

        var home = await FailoverSite.RecordingsAsync(back, AgentRoutes.OwnRecordings);
        var detection = (FailoverSite.ProbeSeconds * FailoverSite.Misses) + 2;
        (failover.StartedAt - killedAt).TotalSeconds.ShouldBeLessThanOrEqualTo(detection,
            $"the takeover began within the detection window of the kill (killed {killedAt:HH:mm:ss.fff}, failover began {failover.StartedAt:HH:mm:ss.fff})");
        foreach (var camera in new[] { "entrance", "office" })
        {
            // Every failover file is on the original's disk, byte for byte.
            var onDisk = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in Site.OwnSegments("rec", camera))
            {
                await using var stream = File.OpenRead(file);
                onDisk.Add(Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
            }

            onStandby.Where(r => r.CameraId == camera).ShouldNotBeEmpty();
            onStandby.Where(r => r.CameraId == camera && !onDisk.Contains(r.Sha256)).ShouldBeEmpty($"every {camera} failover file is home, byte for byte");

            var video = home.Where(r => r.CameraId == camera && r.Kind == RecordingKind.Video).ToList();
            var restored = video.Where(r => r.FileName.StartsWith("restored-", StringComparison.Ordinal)).ToList();
            var own = video.Except(restored).ToList();
            var last = own.Where(r => r.Start < killedAt).MaxBy(r => r.End)!;
            var lastBeforeKill = last.End;
            // No segment of the original's may claim the outage: a first segment after its return probed as long as the
            // camera's uptime once started before the kill, and the overlap below then found no segment after it.
            lastBeforeKill.ShouldBeLessThanOrEqualTo(killedAt, $"{camera}: the original's catalog claims no part of its outage");
            var first = restored.MinBy(r => r.Start)!;
            var runBegan = runsBegan[camera];
            var gap = first.Start - lastBeforeKill;
            var overlap = restored.Max(r => r.End) - own.Where(r => r.Start > killedAt).Min(r => r.Start);
            output.WriteLine($"{camera}: failover gap {gap.TotalSeconds:0.00} s (lost at the kill {(killedAt - lastBeforeKill).TotalSeconds:0.00} s, "
                + $"detection {(failover.StartedAt - killedAt).TotalSeconds:0.00} s, standby's ffmpeg started {(runBegan - failover.StartedAt).TotalSeconds:0.00} s, "
                + $"the camera's first keyframe {(first.Start - runBegan).TotalSeconds:0.00} s later), failback overlap {overlap.TotalSeconds:0.00} s, from the catalog");

            // The gap, part by part, so a failure says whose side it was on. The product's parts are bounded tightly:
            // footage lost at the kill (the segment being written is flushed packet by packet) and the standby starting
            // its recorder once the takeover began. How soon a camera sends a keyframe to a new session is the camera's
            // (a GStreamer encoder starting on a loaded machine has taken over 5 s): bounded only loosely.
            var context = $"{camera}: killed at {killedAt:HH:mm:ss.fff}, failover began {failover.StartedAt:HH:mm:ss.fff}, the original's last segment "
                + $"{last.FileName} {last.Start:HH:mm:ss.fff}–{last.End:HH:mm:ss.fff}, the standby's run began {runBegan:HH:mm:ss.fff}, its first "
                + $"{first.FileName} {first.Start:HH:mm:ss.fff}–{first.End:HH:mm:ss.fff}";
            (killedAt - lastBeforeKill).TotalSeconds.ShouldBeLessThanOrEqualTo(FailoverSite.SegmentSeconds + 1, $"footage lost at the kill; {context}");
            (runBegan - failover.StartedAt).TotalSeconds.ShouldBeLessThanOrEqualTo(3, $"the standby starts recording once told; {context}");
            (first.Start - runBegan).TotalSeconds.ShouldBeLessThanOrEqualTo(15, $"the camera's first keyframe to the standby; {context}");
            overlap.ShouldBeGreaterThan(TimeSpan.Zero, $"{camera}: make before break, the original records before the standby stops");
        }

        var audio = Site.OwnSegments("rec", "office").Where(f => Path.GetFileName(f).StartsWith("restored-", StringComparison.Ordinal)).First();
        var streams = await Vigil.Media.ProcessRunner.RunAsync(CameraTimeline.Tools.Ffprobe,
            ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", audio], TimeSpan.FromSeconds(15), CancellationToken.None);
        streams.StandardOutput.ShouldContain("hevc");
        streams.StandardOutput.ShouldContain("aac", Case.Sensitive, "the standby kept the camera's audio");
    }

    [Fact]
    public async Task Failback_waits_and_says_why_while_a_camera_that_allows_one_session_is_held_by_the_standby()
    {
        await using var door = await RtspCamera.StartAsync(new RtspCameraSettings(MaxSessions: 1));
        var recording = await Site.StartAgentWithCamerasAsync("rec", ("door", door.Url));
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        await Site.AddAsync(standby, ServerRoleName.Standby);
        await Site.WaitStatusAsync(rec.Id, "normal_protected");
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "door").Count >= 2, TimeSpan.FromSeconds(30), "rec to record the door");

        await recording.KillTreeAsync();
        await Site.WaitStatusAsync(rec.Id, "abnormal_protected");
        var key = (await Cms.GetAsync<FailoverList>(CmsRoutes.Failovers)).Failovers.Single().FootageKey;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "door").Count >= 2, TimeSpan.FromSeconds(30), "the standby to record the door");

        await Site.StartAgentAsync("rec");
        var waiting = await Site.WaitFailoverAsync(rec.Id, f => f.Note.Contains("453", StringComparison.Ordinal), "failback to wait for the camera's session");
        output.WriteLine(waiting.Note);
        waiting.Phase.ShouldBe("failingback");
        waiting.Note.ShouldContain("door");
        waiting.Note.ShouldContain("the standby keeps recording it");

        // Still waiting, and the standby still records: the only session is never given up before the original holds one.
        var held = Site.FailoverSegments("standby", key, "door").Count;
        await Eventually.UntilAsync(() => Site.FailoverSegments("standby", key, "door").Count >= held + 2, TimeSpan.FromSeconds(20), "the standby to go on recording");
        (await FailoverSite.TakeoversAsync(standby)).ShouldHaveSingleItem();
        (await Cms.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec.Id))).Phase.ShouldBe("failingback");
    }

    /// <summary>
    /// When the standby's recorder run for <paramref name="camera"/> began: its files are named by it, a day folder
    /// (yyyy-MM-dd) and a time-of-day prefix (HHmmssfff), the earliest run being the first after the takeover.
    /// </summary>
    private DateTimeOffset StandbyRunBegan(string camera, string key) =>
        Site.FailoverSegments("standby", key, camera)
            .Select(f => DateTimeOffset.ParseExact($"{Path.GetFileName(Path.GetDirectoryName(f))} {Path.GetFileName(f)[..9]}", "yyyy-MM-dd HHmmssfff",
                System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal))
            .Min();
}

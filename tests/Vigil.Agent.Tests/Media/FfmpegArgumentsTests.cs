using Vigil.Media;

namespace Vigil.Agent.Tests.Media;

/// <summary>
/// A camera URL can only make ffmpeg open network streams, never the agent's own files; and ffmpeg probes an http(s)
/// camera less than an rtsp one before it writes (the probe is part of every takeover's wait for its first segment).
/// </summary>
public sealed class FfmpegArgumentsTests
{
    public static TheoryData<IReadOnlyList<string>> CameraReads => new()
    {
        FfmpegArguments.Record("rtsp://10.0.0.5/s", 2, "/tmp/x", "p", "/tmp/x.csv"),
        FfmpegArguments.Snapshot("http://10.0.0.5/s", "/tmp/x.jpg"),
    };

    [Theory]
    [MemberData(nameof(CameraReads))]
    public void Every_camera_read_carries_the_protocol_whitelist_before_its_input(IReadOnlyList<string> arguments)
    {
        var list = arguments.ToList();
        var whitelist = list.IndexOf("-protocol_whitelist");

        whitelist.ShouldBeGreaterThanOrEqualTo(0);
        list[whitelist + 1].ShouldBe(FfmpegArguments.CameraProtocols);
        whitelist.ShouldBeLessThan(list.IndexOf("-i"), "an input option must come before -i");
    }

    [Theory]
    [InlineData("http://10.0.0.5/s", "8192")]
    [InlineData("https://10.0.0.5/s", "8192")]
    [InlineData("rtsp://10.0.0.5/s", "32768")]
    [InlineData("RTSP://10.0.0.5/s", "32768")]
    public void An_http_camera_is_probed_8_KiB_before_recording_and_an_rtsp_camera_32_KiB(string url, string bytes)
    {
        var list = FfmpegArguments.Record(url, 2, "/tmp/x", "p", "/tmp/x.csv").ToList();

        list[list.IndexOf("-probesize") + 1].ShouldBe(bytes);
        list.IndexOf("-probesize").ShouldBeLessThan(list.IndexOf("-i"), "an input option must come before -i");
    }

    [Fact]
    public void The_whitelist_holds_no_protocol_that_reads_local_data()
    {
        var protocols = FfmpegArguments.CameraProtocols.Split(',');

        protocols.ShouldContain("rtsp");
        protocols.ShouldContain("http");
        protocols.ShouldContain("https");
        foreach (var local in new[] { "file", "pipe", "fd", "concat", "concatf", "subfile", "data", "crypto", "cache", "async", "unix" })
        {
            protocols.ShouldNotContain(local);
        }
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("subfile,,start,0,end,100,,:/etc/passwd")]
    [InlineData("concat:/etc/hostname|/etc/passwd")]
    public async Task Ffmpeg_itself_refuses_a_local_file_given_as_a_camera(string url)
    {
        var output = Path.Combine(Path.GetTempPath(), $"vigil-whitelist-{Guid.NewGuid():N}.jpg");
        var tools = MediaTools.Locate(Environment.GetEnvironmentVariable);

        var result = await ProcessRunner.RunAsync(tools.Ffmpeg, FfmpegArguments.Snapshot(url, output), TimeSpan.FromSeconds(20), CancellationToken.None);

        result.Succeeded.ShouldBeFalse();
        result.StandardError.ShouldContain("not on whitelist");
        File.Exists(output).ShouldBeFalse();
    }
}

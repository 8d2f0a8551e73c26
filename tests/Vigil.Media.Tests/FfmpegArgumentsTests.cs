namespace Vigil.Media.Tests;

public class FfmpegArgumentsTests
{
    [Fact]
    public void Records_without_re_encoding_keeping_camera_timestamps_and_flushing_every_packet()
    {
        var arguments = string.Join(' ', FfmpegArguments.Record("http://127.0.0.1:1/cam/1", 2, "/s/own/c1", "0101", "/d/list.csv"));

        arguments.ShouldContain("-map 0:v -map 0:a? -c:a aac -b:a 64k -c:v copy -copyts");
        arguments.ShouldContain("-segment_time 2 -segment_atclocktime 1");
        arguments.ShouldContain("-segment_format_options flush_packets=1");
        arguments.ShouldContain("-segment_list /d/list.csv");
        arguments.ShouldContain("-rw_timeout 5000000");
        arguments.ShouldEndWith("/s/own/c1/0101-%06d.ts");
    }

    [Fact]
    public void Reads_rtsp_over_tcp_with_a_socket_timeout()
    {
        var arguments = string.Join(' ', FfmpegArguments.Record("rtsp://10.1.1.1/stream", 2, "/s", "p", "/l.csv"));

        arguments.ShouldContain("-rtsp_transport tcp -timeout 5000000");
        arguments.ShouldNotContain("-rw_timeout");
    }

    [Fact]
    public void Reads_rtsp_over_udp_when_asked_and_records_video_alone_when_the_audio_cannot_be_kept()
    {
        var arguments = string.Join(' ', FfmpegArguments.Record("rtsp://10.1.1.1/stream", 2, "/s", "p", "/l.csv", rtspTransport: "udp", audio: false));

        arguments.ShouldContain("-rtsp_transport udp -timeout 5000000");
        arguments.ShouldContain("-map 0:v -c:v copy");
        arguments.ShouldNotContain("0:a");
    }

    [Fact]
    public void A_simulated_camera_stamps_frames_with_seconds_since_its_epoch()
    {
        var epoch = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

        var arguments = string.Join(' ', FfmpegArguments.SimulatedCamera(3, epoch));

        arguments.ShouldContain($"RTCTIME/1000000-{epoch.ToUnixTimeSeconds()}");
        arguments.ShouldContain("CAM 3");
        arguments.ShouldContain("-g 10");
        arguments.ShouldEndWith("-f mpegts pipe:1");
    }
}

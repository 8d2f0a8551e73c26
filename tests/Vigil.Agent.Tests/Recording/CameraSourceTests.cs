using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Recording;

/// <summary>How a camera URL is read for recording: the transport Vigil uses, the address ffmpeg opens, the port it tries.</summary>
public sealed class CameraSourceTests
{
    [Theory]
    [InlineData("rtsp://u:p@10.0.0.5/live", "rtsp://u:p@10.0.0.5/live", "tcp", 554)]
    [InlineData("rtsp://10.0.0.5:8554/live#transport=udp", "rtsp://10.0.0.5:8554/live", "udp", 8554)]
    [InlineData("rtsp://10.0.0.5/live#transport=tcp", "rtsp://10.0.0.5/live", "tcp", 554)]
    [InlineData("http://cam.local/video.ts", "http://cam.local/video.ts", null, 80)]
    [InlineData("https://cam.local/video.ts?token=1", "https://cam.local/video.ts?token=1", null, 443)]
    public void The_transport_option_is_read_and_never_sent_to_the_camera(string url, string address, string? transport, int port)
    {
        var source = CameraSource.Parse(url, out var problem).ShouldNotBeNull();

        problem.ShouldBeNull();
        source.Address.ShouldBe(address);
        source.Transport.ShouldBe(transport);
        source.Port.ShouldBe(port);
    }

    [Theory]
    [InlineData("rtsp://10.0.0.5/live#transport=multicast")]
    [InlineData("http://cam.local/video.ts#transport=udp")]
    [InlineData("not a url")]
    public void Anything_else_after_the_hash_or_no_host_is_refused_with_why(string url)
    {
        CameraSource.Parse(url, out var problem).ShouldBeNull();
        problem.ShouldNotBeNullOrWhiteSpace();
    }
}

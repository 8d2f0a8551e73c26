using Vigil.Contracts;

namespace Vigil.Agent.Tests.Security;

public sealed class StreamUrlMaskTests
{
    [Theory]
    [InlineData("rtsp://admin:s3cret@10.0.0.5:554/stream1", "rtsp://admin:***@10.0.0.5:554/stream1")]
    [InlineData("http://user:p%40ss:word@cam.local/video.ts", "http://user:***@cam.local/video.ts")]
    [InlineData("https://token123@cam.local/live", "https://***@cam.local/live")]
    [InlineData("rtsp://admin:@10.0.0.5/s", "rtsp://admin:***@10.0.0.5/s")]
    [InlineData("rtsp://10.0.0.5:554/stream1", "rtsp://10.0.0.5:554/stream1")]
    [InlineData("rtsp://10.0.0.5/path@with-at", "rtsp://10.0.0.5/path@with-at")]
    [InlineData("", "")]
    public void The_password_of_a_stream_url_is_hidden(string url, string masked) =>
        StreamUrlMask.Mask(url).ShouldBe(masked);

    [Fact]
    public void Urls_inside_a_longer_text_are_masked_every_one()
    {
        const string line = "[tcp @ 0x55] Connection to rtsp://admin:hunter2@10.0.0.5:554/s failed; tried http://op:swordfish@10.0.0.6/x too";

        var masked = StreamUrlMask.Mask(line);

        masked.ShouldBe("[tcp @ 0x55] Connection to rtsp://admin:***@10.0.0.5:554/s failed; tried http://op:***@10.0.0.6/x too");
        masked.ShouldNotContain("hunter2");
        masked.ShouldNotContain("swordfish");
    }

    [Fact]
    public void Null_is_an_empty_text() => StreamUrlMask.Mask(null).ShouldBe(string.Empty);
}

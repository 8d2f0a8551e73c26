using Vigil.Agent.Api;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Api;

/// <summary>What a caller with a credential may not slip past the agent's checks.</summary>
public sealed class AgentValidationTests
{
    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("concat:rtsp://10.0.0.1/s|file:///etc/passwd")]
    [InlineData("subfile,,start,0,end,0,,:/var/lib/vigil/agent.db")]
    [InlineData("data:text/plain,hello")]
    [InlineData("pipe:0")]
    [InlineData("/etc/passwd")]
    [InlineData("rtsp://10.0.0.1/s\n")]
    [InlineData("rtsp://10.0.0.1/s -i file:///etc/passwd")]
    [InlineData(" rtsp://10.0.0.1/s")]
    [InlineData("rtsp:/10.0.0.1/s")]
    [InlineData("rtsps://10.0.0.1/s")]
    [InlineData("rtsp://10.0.0.1/s#transport=http")]
    [InlineData("rtsp://10.0.0.1/s#udp")]
    [InlineData("http://10.0.0.1/s#transport=udp")]
    public void A_camera_url_that_is_not_a_network_stream_is_refused(string url)
    {
        var broken = AgentValidation.Check(new CameraConfig("cam1", "Camera", url));

        broken.ShouldNotBeNull();
        broken.Value.Rule.ShouldBe("camera.invalid-url");
    }

    [Theory]
    [InlineData("rtsp://10.0.0.1:554/stream1")]
    [InlineData("rtsp://admin:secret@10.0.0.1/s")]
    [InlineData("http://cam.local/video.ts")]
    [InlineData("https://cam.local:8443/live?channel=1")]
    [InlineData("rtsp://admin:secret@10.0.0.1/s#transport=udp")]
    [InlineData("rtsp://10.0.0.1/s#transport=tcp")]
    public void A_network_stream_url_is_accepted(string url) =>
        AgentValidation.Check(new CameraConfig("cam1", "Camera", url)).ShouldBeNull();

    [Fact]
    public void A_refused_url_is_masked_in_the_message()
    {
        var broken = AgentValidation.Check(new CameraConfig("cam1", "Camera", "ftp://admin:hunter2@10.0.0.1/s"));

        broken.ShouldNotBeNull();
        broken.Value.Message.ShouldNotContain("hunter2");
        broken.Value.Message.ShouldContain("admin:***@");
    }

    [Theory]
    [InlineData("cam1\n")]
    [InlineData("cam1\r\n")]
    public void An_identifier_with_a_trailing_newline_is_refused(string id) =>
        AgentValidation.IsIdentifier(id).ShouldBeFalse();

    [Fact]
    public void A_plain_identifier_is_accepted() => AgentValidation.IsIdentifier("cam-1.a_b").ShouldBeTrue();
}

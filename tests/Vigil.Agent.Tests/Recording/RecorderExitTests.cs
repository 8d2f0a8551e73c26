using Vigil.Agent.Recording;

namespace Vigil.Agent.Tests.Recording;

/// <summary>Reading ffmpeg's last words: why a camera run ended, as ffmpeg 5 words it.</summary>
public sealed class RecorderExitTests
{
    [Fact]
    public void A_camera_refusal_is_told_in_the_camera_own_words_not_ffmpeg_generic_line()
    {
        const string stderr = """
            [rtsp @ 0x5644594d5a00] method SETUP failed: 453 Not Enough Bandwidth
            rtsp://127.0.0.1:8570/stream: Server returned 4XX Client Error, but not one of 40{0,1,3,4}
            """;

        RecorderExit.Reason(stderr).ShouldBe("the camera refused: method SETUP failed: 453 Not Enough Bandwidth");
    }

    [Fact]
    public void Without_a_refusal_the_last_line_is_the_reason_and_no_words_are_none()
    {
        RecorderExit.Reason("a\nrtsp://x/s: Connection refused\n").ShouldBe("rtsp://x/s: Connection refused");
        RecorderExit.Reason("  \n").ShouldBeNull();
    }

    [Theory]
    [InlineData("Decoder (codec g723_1) not found for input stream #0:1")]
    [InlineData("Error while opening decoder for input stream #0:1 : Invalid data found when processing input")]
    [InlineData("Error initializing output stream 0:1 -- Error while opening encoder for output stream #0:1")]
    public void An_audio_stream_ffmpeg_cannot_convert_is_told_apart(string stderr) => RecorderExit.AudioFailed(stderr).ShouldBeTrue();

    [Theory]
    [InlineData("Error initializing output stream 0:0 -- ")]
    [InlineData("rtsp://x/s: Server returned 401 Unauthorized (authorization failed)")]
    public void A_video_or_camera_problem_is_not_blamed_on_the_audio(string stderr) => RecorderExit.AudioFailed(stderr).ShouldBeFalse();
}

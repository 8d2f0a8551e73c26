using Vigil.Agent.Recording;

namespace Vigil.Agent.Tests.Recording;

/// <summary>A recording that stops growing for the whole limit is silent; any new byte or segment is progress.</summary>
public sealed class SilenceWatchTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(5);

    [Fact]
    public void Nothing_written_for_the_limit_is_silence()
    {
        var watch = new SilenceWatch(Start);

        watch.Silent(0, -1, Start.AddSeconds(4.9), Limit).ShouldBeFalse();
        watch.Silent(0, -1, Start.AddSeconds(5), Limit).ShouldBeTrue("no file at all: the camera never sent anything");
    }

    [Fact]
    public void A_growing_file_or_a_new_segment_restarts_the_count()
    {
        var watch = new SilenceWatch(Start);

        watch.Silent(0, 188, Start.AddSeconds(4), Limit).ShouldBeFalse();
        watch.Silent(0, 188, Start.AddSeconds(8.9), Limit).ShouldBeFalse("the last byte arrived at 4 s");
        watch.Silent(1, -1, Start.AddSeconds(9), Limit).ShouldBeFalse("a segment closed; the next is not open yet");
        watch.Silent(1, -1, Start.AddSeconds(14), Limit).ShouldBeTrue();
    }
}

using Vigil.Agent.Recording;

namespace Vigil.Agent.Tests.Recording;

public sealed class RecorderRunNameTests
{
    [Fact]
    public void A_segment_of_a_run_tells_when_the_run_began_to_the_millisecond()
    {
        var began = new DateTimeOffset(2026, 12, 4, 23, 59, 58, 123, TimeSpan.Zero);
        var segment = Path.Combine("space", "own", "cam1", RecorderRunName.Day(began), $"{RecorderRunName.Prefix(began)}-000042.ts");

        RecorderRunName.Began(segment).ShouldBe(began);
    }

    [Theory]
    [InlineData("own/cam1/2026-12-04/restored-235958123-000000.ts")]
    [InlineData("own/cam1/2026-12-04/236158123-000000.ts")]
    [InlineData("own/cam1/snapshots/235958123-000000.ts")]
    [InlineData("own/cam1/2026-12-04/23595812-000000.ts")]
    public void A_file_not_named_by_a_run_tells_nothing(string path) => RecorderRunName.Began(path).ShouldBeNull();
}

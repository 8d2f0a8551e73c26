namespace Vigil.Media.Tests;

public sealed class SegmentListTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    [Fact]
    public void Reads_each_finished_line_once_and_waits_for_a_line_being_written()
    {
        var list = new SegmentList(_path);
        File.WriteAllText(_path, "a-000000.ts,0.000000,2.100000\nb-000001.ts,2.1000");

        list.ReadNew().ShouldBe([new ListedSegment("a-000000.ts", 0, 2.1)]);
        list.ReadNew().ShouldBeEmpty();

        File.AppendAllText(_path, "00,4.100000\n");
        var second = list.ReadNew().Single();
        second.FileName.ShouldBe("b-000001.ts");
        second.Duration.TotalSeconds.ShouldBe(2.0, tolerance: 1e-6);
    }

    [Fact]
    public void A_missing_list_has_nothing_yet() => new SegmentList(_path + ".none").ReadNew().ShouldBeEmpty();

    [Theory]
    [InlineData("x.ts,1.5,3.5", "x.ts", 1.5, 3.5)]
    [InlineData("\"a,b.ts\",0,2", "a,b.ts", 0, 2)]
    public void Parses_a_csv_line(string line, string file, double start, double end) =>
        SegmentList.Parse(line).ShouldBe(new ListedSegment(file, start, end));

    [Theory]
    [InlineData("")]
    [InlineData("x.ts,abc,2")]
    public void Ignores_a_line_that_is_not_a_segment(string line) => SegmentList.Parse(line).ShouldBeNull();

    public void Dispose() => File.Delete(_path);
}

using Vigil.Domain.Drills;

namespace Vigil.Domain.Tests.Drills;

public class DrillVerdictTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static DrillMeasurements Good() => new(
        TimeSpan.FromSeconds(1.2),
        [new CameraDrillFigures("cam-1", TimeSpan.FromSeconds(2.5), TimeSpan.Zero), new CameraDrillFigures("cam-2", TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(0.1))],
        Restored: true, StandbyFilesSeen: 8, StandbyFilesHome: 8);

    [Fact]
    public void Within_every_threshold_passes()
    {
        var (state, reasons) = DrillVerdict.Judge(Good(), DrillSettings.Default);

        state.ShouldBe(DrillState.Passed);
        reasons.ShouldBeEmpty();
    }

    [Fact]
    public void A_slow_takeover_fails_with_its_figure() =>
        DrillVerdict.Judge(Good() with { Takeover = TimeSpan.FromSeconds(12.34) }, DrillSettings.Default).Reasons
            .ShouldBe(["takeover took 12.3 s (threshold 10 s)"]);

    [Fact]
    public void Every_reason_is_listed()
    {
        var measured = Good() with
        {
            Takeover = null,
            Cameras = [new CameraDrillFigures("cam-1", null, TimeSpan.FromSeconds(11)), new CameraDrillFigures("cam-2", TimeSpan.FromSeconds(4), null)],
            Restored = false,
            StandbyFilesHome = 6,
        };

        var (state, reasons) = DrillVerdict.Judge(measured, DrillSettings.Default with { MaxGap = TimeSpan.FromSeconds(3) });

        state.ShouldBe(DrillState.Failed);
        reasons.ShouldBe([
            "the failover never became active",
            "the standby recorded nothing of cam-1",
            "cam-1: the recording server's own footage has a 11.0 s gap (threshold 3 s)",
            "cam-2: the standby's footage began 4.0 s after the drill began (threshold 3 s)",
            "cam-2: the recording server recorded nothing of its own during the drill",
            "the failover did not end with its footage restored",
            "2 of the standby's 8 files are not on the recording server with the same checksum",
        ]);
    }

    [Fact]
    public void Uncovered_time_is_measured_inside_the_window_only()
    {
        (DateTimeOffset, DateTimeOffset) Span(double from, double to) => (T0.AddSeconds(from), T0.AddSeconds(to));

        DrillVerdict.LongestUncovered([Span(-1, 2), Span(2, 4), Span(4, 6)], T0, T0.AddSeconds(6)).ShouldBe(TimeSpan.Zero);
        DrillVerdict.LongestUncovered([Span(-1, 2), Span(5, 8)], T0, T0.AddSeconds(8)).ShouldBe(TimeSpan.FromSeconds(3));
        DrillVerdict.LongestUncovered([Span(0, 2)], T0, T0.AddSeconds(7)).ShouldBe(TimeSpan.FromSeconds(5), "an uncovered end counts");
        DrillVerdict.LongestUncovered([], T0, T0.AddSeconds(7)).ShouldBe(TimeSpan.FromSeconds(7));
    }
}

namespace Vigil.Bench.Measurement;

/// <summary>
/// Where in the CMS's probe round a failover trial pulls the plug. A trial is ready once the original has closed
/// segments, which ffmpeg cuts at the clock's even seconds, and the CMS probes at a steady phase of the clock, so a
/// kill at once would fall at the same point of the round in every trial of a run: the run's detection would be that
/// one phase (anywhere from two to three probe intervals) repeated, not the spread a failure at any moment gives. Trial
/// <c>i</c> therefore waits the fractional part of <c>i × 0.618…</c> (the golden ratio's) of one probe interval
/// before the kill: a sequence that covers the round evenly for any number of trials, and the same in every run.
/// The same wait moves the takeover across the camera's keyframe interval, which ffmpeg's first segment waits on.
/// </summary>
public static class KillPhase
{
    private const double GoldenFraction = 0.6180339887498949;

    /// <summary>The fraction of the probe interval trial <paramref name="trial"/> (from 1) waits before its kill.</summary>
    public static double Of(int trial) => (trial * GoldenFraction) % 1;

    /// <summary>Waits trial <paramref name="trial"/>'s share of <paramref name="probeInterval"/>.</summary>
    public static Task WaitAsync(int trial, TimeSpan probeInterval, CancellationToken cancellationToken) =>
        Task.Delay(probeInterval * Of(trial), cancellationToken);
}

namespace Vigil.Bench.Measurement;

/// <summary>
/// One published figure: every sample measured in this run, the target it is held to, and whether it met it.
/// </summary>
/// <param name="Unit">What a sample counts: "s", "ms", "ratio", "%" of a core, ….</param>
/// <param name="Target">The target in words, as the report prints it ("median ≤ 3 s, p99 ≤ 5 s").</param>
/// <param name="Met">Whether the samples meet the target; null when the figure has no target of its own.</param>
/// <param name="Note">How it was measured, and when missed, by how much and what bounds it.</param>
public sealed record Figure(string Name, string Unit, IReadOnlyList<double> Samples, string Target, bool? Met, string Note)
{
    public Summary Summary { get; } = Summary.Of(Samples);
}

/// <summary>min / median / p95 / p99 / max of a set of samples (nearest-rank percentiles).</summary>
public sealed record Summary(int Count, double Min, double Median, double P95, double P99, double Max)
{
    public static Summary Of(IReadOnlyList<double> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return new Summary(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        var sorted = samples.Order().ToArray();
        return new Summary(sorted.Length, sorted[0], Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99), sorted[^1]);
    }

    public static double Percentile(double[] sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

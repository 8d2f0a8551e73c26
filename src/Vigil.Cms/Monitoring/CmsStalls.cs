using Vigil.Domain.Health;

namespace Vigil.Cms.Monitoring;

/// <summary>The CMS's <see cref="StallWatch"/> on this process's monotonic clock: ticked by <see cref="StallSampler"/>, read by each probe.</summary>
internal sealed class CmsStalls(TimeProvider time)
{
    private readonly StallWatch _watch = new();
    private readonly long _origin = time.GetTimestamp();

    public void Tick() => _watch.Tick(time.GetElapsedTime(_origin));

    /// <summary>The longest stall of the CMS since <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/>), ongoing included.</summary>
    public TimeSpan WorstSince(long timestamp) => _watch.WorstSince(time.GetElapsedTime(_origin, timestamp), time.GetElapsedTime(_origin));
}

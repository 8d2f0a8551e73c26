using Prometheus;

namespace Vigil.Agent.Metrics;

/// <summary>Counts what the agent records, segment by segment, per owner (<c>own</c> or a takeover's footage key) and camera.</summary>
public sealed class RecordingMetrics
{
    private readonly Counter _segments;
    private readonly Counter _bytes;

    public RecordingMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var labels = new CounterConfiguration { LabelNames = ["owner", "camera"] };
        _segments = factory.CreateCounter("vigil_camera_segments_total", "Video segments recorded and catalogued, per owner (own, or a protected server's footage) and camera.", labels);
        _bytes = factory.CreateCounter("vigil_camera_bytes_total", "Bytes of video segments recorded and catalogued, per owner and camera.", labels);
    }

    public void SegmentCatalogued(string owner, string camera, long bytes)
    {
        _segments.WithLabels(owner, camera).Inc();
        _bytes.WithLabels(owner, camera).Inc(bytes);
    }
}

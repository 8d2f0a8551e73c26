using Prometheus;
using Vigil.Agent.Recording;
using Vigil.Agent.Spaces;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Metrics;

/// <summary>
/// The agent's state when Prometheus scrapes: whether each camera records and how old its last segment is, and
/// each recording space's size and free bytes. A camera or space that is gone loses its series.
/// </summary>
public sealed class AgentStateMetrics
{
    private readonly RecorderSupervisor _recorders;
    private readonly RecordingSpaces _spaces;
    private readonly TimeProvider _time;
    private readonly Gauge _recording;
    private readonly Gauge _lastSegmentAge;
    private readonly Gauge _spaceFree;
    private readonly Gauge _spaceCapacity;
    private readonly Lock _sync = new();
    private HashSet<(string Owner, string Camera)> _cameras = [];

    public AgentStateMetrics(CollectorRegistry registry, RecorderSupervisor recorders, RecordingSpaces spaces, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _recorders = recorders;
        _spaces = spaces;
        _time = time;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        var cameraLabels = new GaugeConfiguration { LabelNames = ["owner", "camera"] };
        _recording = factory.CreateGauge("vigil_camera_recording", "1 while the camera is being recorded, 0 while it is unreachable or cannot be recorded.", cameraLabels);
        _lastSegmentAge = factory.CreateGauge("vigil_camera_last_segment_age_seconds", "Seconds since the end of the camera's last recorded segment (absent before the first one).", cameraLabels);
        var spaceLabels = new GaugeConfiguration { LabelNames = ["space"] };
        _spaceFree = factory.CreateGauge("vigil_space_free_bytes", "Free bytes in the recording space.", spaceLabels);
        _spaceCapacity = factory.CreateGauge("vigil_space_capacity_bytes", "Size of the file system holding the recording space.", spaceLabels);
        registry.AddBeforeCollectCallback(Update);
    }

    private void Update()
    {
        var now = _time.GetUtcNow();
        lock (_sync)
        {
            var seen = new HashSet<(string Owner, string Camera)>();
            foreach (var camera in _recorders.Recorders.Select(r => r.Health))
            {
                seen.Add((camera.Owner, camera.CameraId));
                _recording.WithLabels(camera.Owner, camera.CameraId).Set(camera.State == CameraState.Recording ? 1 : 0);
                if (camera.LastSegmentEnd is { } end)
                {
                    _lastSegmentAge.WithLabels(camera.Owner, camera.CameraId).Set(Math.Max(0, (now - end).TotalSeconds));
                }
            }

            foreach (var (owner, camera) in _cameras.Except(seen))
            {
                _recording.RemoveLabelled(owner, camera);
                _lastSegmentAge.RemoveLabelled(owner, camera);
            }

            _cameras = seen;
        }

        foreach (var space in _spaces.Check())
        {
            _spaceFree.WithLabels(space.Path).Set(space.FreeBytes);
            _spaceCapacity.WithLabels(space.Path).Set(space.CapacityBytes);
        }
    }
}

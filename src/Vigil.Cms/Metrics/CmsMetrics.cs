using Prometheus;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Metrics;

/// <summary>
/// What the CMS measures as it works, for Prometheus: probes, failover durations, restore volume and its own
/// health (probe-round lag, database latency). Figures that are a state rather than an event (servers per
/// status, open failovers per phase) are read when scraped, by <see cref="CmsStateMetrics"/>.
/// </summary>
internal sealed class CmsMetrics
{
    /// <summary>The kinds a failed probe is counted under.</summary>
    public static class ProbeFailures
    {
        public const string Timeout = "timeout";
        public const string Unreachable = "unreachable";
        public const string SpaceFailure = "space_failure";
        public const string RecordingServiceFailure = "recording_service_failure";
        public const string CredentialRejected = "credential_rejected";
    }

    private readonly Histogram _probeDuration;
    private readonly Counter _probeFailures;
    private readonly Counter _probesDiscounted;
    private readonly Histogram _probeWait;
    private readonly Histogram _takeoverDuration;
    private readonly Histogram _failbackDuration;
    private readonly Counter _restoreBytes;
    private readonly Counter _restoreFiles;
    private readonly Gauge _roundLag;
    private readonly Histogram _roundDuration;
    private readonly Histogram _databaseDuration;

    public CmsMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _probeDuration = factory.CreateHistogram("vigil_probe_duration_seconds", "Time from sending a health probe to an agent to its answer (answered probes only).",
            new HistogramConfiguration { Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });
        _probeFailures = factory.CreateCounter("vigil_probe_failures_total", "Health probes that failed, by kind: timeout, unreachable, space_failure, recording_service_failure, credential_rejected.",
            new CounterConfiguration { LabelNames = ["kind"] });
        foreach (var kind in new[] { ProbeFailures.Timeout, ProbeFailures.Unreachable, ProbeFailures.SpaceFailure, ProbeFailures.RecordingServiceFailure, ProbeFailures.CredentialRejected })
        {
            // Every kind is exported from the start, at 0, so an alert on its rate has a series to look at.
            _probeFailures.WithLabels(kind);
        }

        _probeWait = factory.CreateHistogram("vigil_cms_probe_wait_seconds",
            "Time a health probe waited for one of the CMS's probe slots (at most 1 024 probes in flight) before it was sent; its timeout starts after.",
            new HistogramConfiguration { Buckets = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5] });
        _probesDiscounted = factory.CreateCounter("vigil_probes_discounted_total",
            "Probes that timed out while the CMS itself was stalled or overloaded: not counted as misses against their servers.");

        var durations = new HistogramConfiguration { Buckets = [0.5, 1, 2, 3, 5, 10, 20, 30, 60, 120, 300, 600] };
        _takeoverDuration = factory.CreateHistogram("vigil_takeover_duration_seconds", "From a failover's start (failure detected or asked for) to its standby recording the cameras.", durations);
        _failbackDuration = factory.CreateHistogram("vigil_failback_duration_seconds", "From the start of a failback to the recording server recording its cameras again.", durations);
        _restoreBytes = factory.CreateCounter("vigil_restore_bytes_total", "Bytes of failover footage copied home to recording servers.");
        _restoreFiles = factory.CreateCounter("vigil_restore_files_total", "Files of failover footage copied home to recording servers.");
        _roundLag = factory.CreateGauge("vigil_cms_probe_round_lag_seconds", "How much later than its interval the last probe round started: the CMS's own scheduling delay.");
        _roundDuration = factory.CreateHistogram("vigil_cms_probe_round_duration_seconds", "Time one probe round took, from reading the servers to the last probe's end.",
            new HistogramConfiguration { Buckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10] });
        _databaseDuration = factory.CreateHistogram("vigil_cms_database_duration_seconds", "Time of the CMS's own database work: reading the servers (after a change, or every 10 s), committing a failover transition.",
            new HistogramConfiguration { LabelNames = ["operation"], Buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });
    }

    public void ProbeAnswered(TimeSpan took) => _probeDuration.Observe(took.TotalSeconds);

    public void ProbeWaited(TimeSpan took) => _probeWait.Observe(took.TotalSeconds);

    public void ProbeFailed(string kind) => _probeFailures.WithLabels(kind).Inc();

    public void ProbeDiscounted() => _probesDiscounted.Inc();

    public void Restored(int files, long bytes)
    {
        _restoreFiles.Inc(files);
        _restoreBytes.Inc(bytes);
    }

    public void RoundStarted(TimeSpan lag) => _roundLag.Set(Math.Max(0, lag.TotalSeconds));

    public void RoundEnded(TimeSpan took) => _roundDuration.Observe(took.TotalSeconds);

    public void DatabaseWork(string operation, TimeSpan took) => _databaseDuration.WithLabels(operation).Observe(took.TotalSeconds);

    /// <summary>Counts the durations an episode's committed change completes: a takeover reaching active, a failback ending.</summary>
    public void EpisodeChanged(FailoverEpisode? before, FailoverEpisode after)
    {
        ArgumentNullException.ThrowIfNull(after);
        if (before is null || before.Phase == after.Phase)
        {
            return;
        }

        if (after.Phase == FailoverPhase.Active && before.Phase is FailoverPhase.Detected or FailoverPhase.Assigning or FailoverPhase.TakingOver)
        {
            _takeoverDuration.Observe((after.PhaseSince - after.StartedAt).TotalSeconds);
        }
        else if (before.Phase == FailoverPhase.FailingBack && after.Phase is FailoverPhase.Restoring or FailoverPhase.Cleaning or FailoverPhase.Completed)
        {
            _failbackDuration.Observe((after.PhaseSince - before.PhaseSince).TotalSeconds);
        }
    }
}

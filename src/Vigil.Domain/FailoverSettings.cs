using Vigil.Domain.Health;

namespace Vigil.Domain;

/// <summary>The failover settings (docs/product-rules.md, Failover), with their defaults.</summary>
public sealed record FailoverSettings
{
    public static FailoverSettings Default { get; } = new();

    public static TimeSpan MinProbeInterval { get; } = TimeSpan.FromMilliseconds(100);

    public static TimeSpan MaxProbeInterval { get; } = TimeSpan.FromMinutes(1);

    public bool AutomaticFailover { get; init; } = true;

    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromMilliseconds(800);

    /// <summary>Consecutive misses, stabilisation period and failure conditions.</summary>
    public HealthPolicy Health { get; init; } = HealthPolicy.Default;

    public bool AutomaticFailback { get; init; } = true;

    public bool RestoreRecordings { get; init; } = true;

    /// <summary>The most bytes per second a restore copies, so it does not crowd live video off the network; 0 is no limit.</summary>
    public long RestoreBandwidthBytesPerSecond { get; init; }

    /// <summary>Free space a standby needs in an empty recording space to take a server over.</summary>
    public long StandbyMinimumFreeBytes { get; init; } = 1_000_000_000;

    /// <summary>The longest a recording server can be dead before failure is declared (interval × misses).</summary>
    public TimeSpan DetectionWindow => ProbeInterval * Health.MissesBeforeFailure;

    public IReadOnlyList<Refusal> Validate()
    {
        var refusals = new List<Refusal>(Health.Validate());
        if (ProbeInterval < MinProbeInterval || ProbeInterval > MaxProbeInterval)
        {
            refusals.Add(new Refusal("settings.probe-interval", "The probe interval must be between 100 ms and 1 minute."));
        }

        if (ProbeTimeout <= TimeSpan.Zero || ProbeTimeout > ProbeInterval)
        {
            refusals.Add(new Refusal("settings.probe-timeout",
                "The probe timeout must be above 0 and at most the probe interval, so probes never pile up."));
        }

        if (RestoreBandwidthBytesPerSecond < 0)
        {
            refusals.Add(new Refusal("settings.restore-bandwidth", "The restore bandwidth limit cannot be negative (0 is no limit)."));
        }

        if (StandbyMinimumFreeBytes < 0)
        {
            refusals.Add(new Refusal("settings.standby-minimum-free", "The standby's minimum free space cannot be negative."));
        }

        return refusals;
    }
}

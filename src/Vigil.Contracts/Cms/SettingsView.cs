namespace Vigil.Contracts.Cms;

/// <summary>The failover settings and inventory limits, in the units an operator types.</summary>
/// <param name="FailureConditions">Any of unreachable (always), space_failure, recording_service_failure.</param>
/// <param name="RestoreBandwidthBytesPerSecond">The most a restore copies per second; 0 is no limit.</param>
public sealed record SettingsView(
    bool AutomaticFailover,
    int ProbeIntervalMs,
    int ProbeTimeoutMs,
    int MissesBeforeFailure,
    IReadOnlyList<string> FailureConditions,
    bool AutomaticFailback,
    int StabilisationSeconds,
    bool RestoreRecordings,
    long StandbyMinimumFreeBytes,
    int MaxGroups,
    int MaxServersPerGroup,
    long RestoreBandwidthBytesPerSecond = 0);

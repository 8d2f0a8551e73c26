namespace Vigil.Contracts.Cms;

/// <summary>The failover settings, inventory limits and event-log retention, in the units an operator types.</summary>
/// <param name="FailureConditions">Any of unreachable (always), space_failure, recording_service_failure.</param>
/// <param name="RestoreBandwidthBytesPerSecond">The most a restore copies per second; 0 is no limit.</param>
/// <param name="EventRetentionDays">How many days the event log keeps an event (a settings document saved before it existed reads as a year).</param>
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
    long RestoreBandwidthBytesPerSecond = 0,
    int EventRetentionDays = 365);

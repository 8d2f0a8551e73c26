using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>Between the operator's units (<see cref="SettingsView"/>) and the domain's settings and limits.</summary>
public static class SettingsMapping
{
    public const string Unreachable = "unreachable";
    public const string SpaceFailure = "space_failure";
    public const string RecordingServiceFailure = "recording_service_failure";

    public static SettingsView ToView(FailoverSettings settings, InventoryLimits limits, EventLogRetention retention)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(retention);
        var conditions = new List<string>();
        if (settings.Health.Conditions.HasFlag(FailureConditions.Unreachable))
        {
            conditions.Add(Unreachable);
        }

        if (settings.Health.Conditions.HasFlag(FailureConditions.SpaceFailure))
        {
            conditions.Add(SpaceFailure);
        }

        if (settings.Health.Conditions.HasFlag(FailureConditions.RecordingServiceFailure))
        {
            conditions.Add(RecordingServiceFailure);
        }

        return new SettingsView(
            settings.AutomaticFailover,
            (int)settings.ProbeInterval.TotalMilliseconds,
            (int)settings.ProbeTimeout.TotalMilliseconds,
            settings.Health.MissesBeforeFailure,
            conditions,
            settings.AutomaticFailback,
            (int)settings.Health.StabilisationPeriod.TotalSeconds,
            settings.RestoreRecordings,
            settings.StandbyMinimumFreeBytes,
            limits.MaxGroups,
            limits.MaxServersPerGroup,
            settings.RestoreBandwidthBytesPerSecond,
            retention.Days);
    }

    /// <summary>The settings, limits and retention a view asks for, or every rule it breaks.</summary>
    public static (FailoverSettings Settings, InventoryLimits Limits, EventLogRetention Retention, IReadOnlyList<Refusal> Refusals) FromView(SettingsView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        var refusals = new List<Refusal>();
        var conditions = (FailureConditions)0;
        foreach (var condition in view.FailureConditions ?? [])
        {
            conditions |= condition switch
            {
                Unreachable => FailureConditions.Unreachable,
                SpaceFailure => FailureConditions.SpaceFailure,
                RecordingServiceFailure => FailureConditions.RecordingServiceFailure,
                _ => Unknown(condition, refusals),
            };
        }

        var settings = new FailoverSettings
        {
            AutomaticFailover = view.AutomaticFailover,
            ProbeInterval = TimeSpan.FromMilliseconds(view.ProbeIntervalMs),
            ProbeTimeout = TimeSpan.FromMilliseconds(view.ProbeTimeoutMs),
            Health = new HealthPolicy
            {
                MissesBeforeFailure = view.MissesBeforeFailure,
                StabilisationPeriod = TimeSpan.FromSeconds(view.StabilisationSeconds),
                Conditions = conditions,
            },
            AutomaticFailback = view.AutomaticFailback,
            RestoreRecordings = view.RestoreRecordings,
            StandbyMinimumFreeBytes = view.StandbyMinimumFreeBytes,
            RestoreBandwidthBytesPerSecond = view.RestoreBandwidthBytesPerSecond,
        };
        var limits = new InventoryLimits(view.MaxGroups, view.MaxServersPerGroup);
        var retention = new EventLogRetention(view.EventRetentionDays);
        refusals.AddRange(settings.Validate());
        refusals.AddRange(limits.Validate());
        refusals.AddRange(retention.Validate());
        return (settings, limits, retention, refusals);
    }

    private static FailureConditions Unknown(string condition, List<Refusal> refusals)
    {
        refusals.Add(new Refusal("settings.failure-conditions",
            $"'{condition}' is not a failure condition; use {Unreachable}, {SpaceFailure} or {RecordingServiceFailure}."));
        return 0;
    }
}

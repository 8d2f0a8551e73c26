using Vigil.Cms.Failover;
using Vigil.Cms.Updates;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Alerts;

/// <summary>
/// Which events of the event log are alerts, and what each alert tells the operator: what happened, to which
/// server, and what to do. Pure: the event's kind, its from and to, and its reason's code decide.
/// </summary>
internal static class AlertRules
{
    public static string? KindOf(string eventKind, string from, string to, string? code) => eventKind switch
    {
        EventLog.FailoverKind when code == EpisodeNote.Codes.RestoreStopped && to == "cleaning" => AlertKinds.RestoreStopped,
        EventLog.FailoverKind when from == EventLog.NotInFailover => AlertKinds.FailoverStarted,
        EventLog.FailoverKind when to == "completed" => AlertKinds.FailoverCompleted,
        EventLog.FailoverKind when to is "failed" or "interrupted" or "stopped" => AlertKinds.FailoverFailed,
        EventLog.ProtectionKind when to == EventLog.Unprotected => AlertKinds.ProtectionLost,
        EventLog.ProtectionKind when to == EventLog.Protected => AlertKinds.ProtectionRestored,
        EventLog.HealthKind when to == "abnormal_protection_failed" => AlertKinds.StandbyProtectionFailed,
        EventLog.CmsKind when to == EventLog.Overloaded => AlertKinds.CmsOverloaded,
        EventLog.CmsKind when to == EventLog.Recovered => AlertKinds.CmsRecovered,
        EventLog.OperatorKind when to is "drill failed" or "drill aborted" or "drill interrupted" => AlertKinds.DrillFailed,
        UpdateEvents.Kind when to is "failed" or "rolled_back" => AlertKinds.AgentUpdateFailed,
        _ => null,
    };

    /// <summary>One line: what happened and to which server.</summary>
    public static string Summary(string kind, string server, string to, string reason) => kind switch
    {
        AlertKinds.FailoverStarted => $"Failover of {server} started: {reason}",
        AlertKinds.FailoverCompleted => $"Failover of {server} completed: {reason}",
        AlertKinds.FailoverFailed => $"Failover of {server} ended as {to}: {reason}",
        AlertKinds.RestoreStopped => $"Restore of {server}'s outage footage was stopped: {reason}",
        AlertKinds.ProtectionLost => $"{server} is unprotected: {reason}",
        AlertKinds.ProtectionRestored => $"{server} is protected again: {reason}",
        AlertKinds.StandbyProtectionFailed => $"Standby {server} failed to protect a server: {reason}",
        AlertKinds.DrillFailed => $"Failover drill of {server}: {to}: {reason}",
        AlertKinds.CmsOverloaded => $"The CMS {server} is overloaded: {reason}",
        AlertKinds.CmsRecovered => $"The CMS {server} is back to normal: {reason}",
        AlertKinds.AgentUpdateFailed => $"The agent update of {server} ended as {to.Replace('_', ' ')}: {reason}",
        AlertKinds.Test => $"Test alert from the CMS {server}",
        _ => $"{kind}: {server}: {reason}",
    };

    /// <summary>What the operator should do about it.</summary>
    public static string Action(string kind, string server) => kind switch
    {
        AlertKinds.FailoverStarted =>
            $"A standby records {server}'s cameras. Find out why {server} failed (its event log, its host). Failback is automatic once it is healthy again, unless the failover was asked for by hand or automatic failback is off: then fail back from the console or with `vigil failback SERVER`.",
        AlertKinds.FailoverCompleted =>
            $"Nothing to do: {server} records its cameras again and the footage of the outage is home, unless restore is off or was stopped (see `vigil restore status {server}`).",
        AlertKinds.FailoverFailed =>
            $"Check {server} and its group in the console now: its cameras may not be recorded. The event log says which step ended the failover and whether footage was left on a standby.",
        AlertKinds.RestoreStopped =>
            $"The footage of {server}'s outage that was not home yet is removed from the standby. If that was not meant, find out who stopped it in the event log.",
        AlertKinds.ProtectionLost =>
            $"If {server} fails now its cameras stop recording. Bring a standby of its group back to \"Normal, protection ready\", or add one to the group.",
        AlertKinds.ProtectionRestored => "Nothing to do.",
        AlertKinds.StandbyProtectionFailed =>
            $"Check {server} (recording space, license channels, whether it reaches the cameras), then clear its protection failure in the console so it protects again.",
        AlertKinds.DrillFailed =>
            $"Read the drill's report (the console's Drills page, or `vigil drill list --server {server}`): it says which threshold failed or why the drill stopped. An aborted drill leaves a manual failover to fail back.",
        AlertKinds.CmsOverloaded =>
            $"Check the CMS machine {server} now: its CPU, memory and disk, and the vigil_cms_* metrics (probe-round lag, database time). While it lasts, a failure may be noticed late.",
        AlertKinds.CmsRecovered => "Nothing to do; if it happens again, look for what starves the CMS machine.",
        AlertKinds.AgentUpdateFailed =>
            $"{server} still runs its previous version and records as before. Read the reason (`vigil update list --server {server}`, the agent's journal), fix it, and update again.",
        AlertKinds.Test => "Nothing to do: alerts reach this destination.",
        _ => "See the CMS's event log.",
    };
}

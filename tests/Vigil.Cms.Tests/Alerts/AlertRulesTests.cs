using Vigil.Cms.Alerts;
using Vigil.Cms.Failover;
using Vigil.Cms.Updates;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Tests.Alerts;

public sealed class AlertRulesTests
{
    [Theory]
    [InlineData(EventLog.FailoverKind, "normal", "detected", EpisodeNote.Codes.RecordingServerFailed, AlertKinds.FailoverStarted)]
    [InlineData(EventLog.FailoverKind, "normal", "detected", EpisodeNote.Codes.ManualFailoverRequested, AlertKinds.FailoverStarted)]
    [InlineData(EventLog.FailoverKind, "cleaning", "completed", EpisodeNote.Codes.RestoreComplete, AlertKinds.FailoverCompleted)]
    [InlineData(EventLog.FailoverKind, "restoring", "cleaning", EpisodeNote.Codes.RestoreStopped, AlertKinds.RestoreStopped)]
    [InlineData(EventLog.FailoverKind, "cleaning", "completed", EpisodeNote.Codes.RestoreStopped, AlertKinds.FailoverCompleted)]
    [InlineData(EventLog.FailoverKind, "active", "failed", "step-failed", AlertKinds.FailoverFailed)]
    [InlineData(EventLog.FailoverKind, "active", "interrupted", "group-deleted", AlertKinds.FailoverFailed)]
    [InlineData(EventLog.FailoverKind, "cleaning", "stopped", EpisodeNote.Codes.Stopped, AlertKinds.FailoverFailed)]
    [InlineData(EventLog.ProtectionKind, EventLog.Protected, EventLog.Unprotected, null, AlertKinds.ProtectionLost)]
    [InlineData(EventLog.ProtectionKind, EventLog.Unprotected, EventLog.Protected, null, AlertKinds.ProtectionRestored)]
    [InlineData(EventLog.HealthKind, "normal_ready", "abnormal_protection_failed", null, AlertKinds.StandbyProtectionFailed)]
    [InlineData(EventLog.OperatorKind, "", "drill failed", null, AlertKinds.DrillFailed)]
    [InlineData(EventLog.CmsKind, EventLog.Recovered, EventLog.Overloaded, null, AlertKinds.CmsOverloaded)]
    [InlineData(EventLog.CmsKind, EventLog.Overloaded, EventLog.Recovered, null, AlertKinds.CmsRecovered)]
    [InlineData(EventLog.OperatorKind, "", "drill aborted", null, AlertKinds.DrillFailed)]
    [InlineData(EventLog.OperatorKind, "", "drill interrupted", null, AlertKinds.DrillFailed)]
    [InlineData(UpdateEvents.Kind, "updating", "failed", null, AlertKinds.AgentUpdateFailed)]
    [InlineData(UpdateEvents.Kind, "handing_back", "rolled_back", null, AlertKinds.AgentUpdateFailed)]
    public void The_events_that_are_alerts(string kind, string from, string to, string? code, string expected) =>
        AlertRules.KindOf(kind, from, to, code).ShouldBe(expected);

    [Theory]
    [InlineData(EventLog.FailoverKind, "detected", "takingover", EpisodeNote.Codes.StandbyChosen)]
    [InlineData(EventLog.FailoverKind, "restoring", "cleaning", EpisodeNote.Codes.RestoreComplete)]
    [InlineData(EventLog.HealthKind, "healthy", "failed", null)]
    [InlineData(EventLog.OperatorKind, "", "failover now", null)]
    [InlineData(EventLog.OperatorKind, "", "drill passed", null)]
    [InlineData(UpdateEvents.Kind, "handing_back", "done", null)]
    public void Steps_health_changes_and_operator_actions_are_not(string kind, string from, string to, string? code) =>
        AlertRules.KindOf(kind, from, to, code).ShouldBeNull();

    [Fact]
    public void Every_alert_says_what_happened_to_which_server_and_what_to_do()
    {
        foreach (var kind in AlertKinds.All.Append(AlertKinds.Test))
        {
            AlertRules.Summary(kind, "rec-7", "failed", "a reason").ShouldContain("rec-7");
            AlertRules.Action(kind, "rec-7").ShouldNotBe("See the CMS's event log.", $"{kind} has its own advice");
        }
    }
}

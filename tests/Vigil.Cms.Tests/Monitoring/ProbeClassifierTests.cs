using Vigil.Cms.Monitoring;
using Vigil.Contracts.Agent;
using Vigil.Domain.Health;

namespace Vigil.Cms.Tests.Monitoring;

public class ProbeClassifierTests
{
    [Theory]
    [InlineData(HealthOutcome.Ok, ProbeOutcome.Ok)]
    [InlineData(HealthOutcome.SpaceFailure, ProbeOutcome.SpaceFailure)]
    [InlineData(HealthOutcome.RecordingServiceFailure, ProbeOutcome.RecordingServiceFailure)]
    public void An_agent_health_report_becomes_the_probe_outcome_the_policy_reads(HealthOutcome reported, ProbeOutcome expected)
    {
        var health = new AgentHealth(reported, reported == HealthOutcome.Ok ? null : "volume missing", DateTimeOffset.UnixEpoch, [], []);

        var probe = ProbeClassifier.Classify(health);

        probe.Outcome.ShouldBe(expected);
        if (reported != HealthOutcome.Ok)
        {
            probe.Detail.ShouldNotBeNull().ShouldContain("volume missing");
        }
    }

    [Fact]
    public void A_dead_camera_alone_is_not_a_server_failure()
    {
        var camera = new CameraHealth("own", "cam1", CameraState.Unreachable, null, 3, "connection refused");
        var health = new AgentHealth(HealthOutcome.Ok, null, DateTimeOffset.UnixEpoch, [], [camera]);

        ProbeClassifier.Classify(health).Outcome.ShouldBe(ProbeOutcome.Ok);
    }
}

using Vigil.Contracts.Agent;
using Vigil.Domain.Health;

namespace Vigil.Cms.Monitoring;

/// <summary>What an agent's health report means to the CMS health policy.</summary>
public static class ProbeClassifier
{
    public static ProbeResult Classify(AgentHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return health.Outcome switch
        {
            HealthOutcome.Ok => ProbeResult.Ok,
            HealthOutcome.SpaceFailure => new ProbeResult(ProbeOutcome.SpaceFailure, $"recording space failure: {health.Problem}"),
            HealthOutcome.RecordingServiceFailure => new ProbeResult(ProbeOutcome.RecordingServiceFailure, $"recording service failure: {health.Problem}"),
            _ => new ProbeResult(ProbeOutcome.RecordingServiceFailure, $"unknown health outcome {health.Outcome}"),
        };
    }
}

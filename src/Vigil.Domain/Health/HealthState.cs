namespace Vigil.Domain.Health;

/// <summary>What the CMS believes about a server's health, from the probes it has seen.</summary>
public enum HealthState
{
    /// <summary>Probes succeed.</summary>
    Healthy,

    /// <summary>Some probes in a row failed, fewer than the threshold: still treated as functional.</summary>
    Suspect,

    /// <summary>The threshold of consecutive failed probes was reached: the server has failed.</summary>
    Failed,

    /// <summary>Probes succeed again after a failure, for less than the stabilisation period.</summary>
    Recovering,

    /// <summary>Probes have succeeded for the whole stabilisation period after a failure: failback may begin.</summary>
    Recovered,
}

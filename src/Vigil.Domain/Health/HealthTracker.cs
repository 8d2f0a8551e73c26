namespace Vigil.Domain.Health;

/// <summary>A change of a server's health state, with the probe detail that caused it.</summary>
public sealed record HealthChange(HealthState From, HealthState To, DateTimeOffset At, string Reason);

/// <summary>
/// Follows one server's probes and applies a <see cref="HealthPolicy"/>. Misses count only in a row:
/// one good probe clears them, so an alternating good/bad sequence never reaches a failure, and a
/// single miss while recovering starts the stabilisation period over, so it never reaches recovery.
/// </summary>
public sealed class HealthTracker
{
    private readonly HealthPolicy _policy;
    private readonly TimeProvider _time;

    /// <param name="initial">
    /// The state to start in: <see cref="HealthState.Failed"/> for a server that is taken over when the
    /// CMS starts, so its return must again last a whole stabilisation period before failback.
    /// </param>
    public HealthTracker(HealthPolicy policy, TimeProvider time, HealthState initial = HealthState.Healthy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(time);
        if (initial is HealthState.Suspect or HealthState.Recovering)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), initial, "A tracker starts Healthy, Failed or Recovered.");
        }

        _policy = policy;
        _time = time;
        State = initial;
        Since = time.GetUtcNow();
    }

    public HealthState State { get; private set; }

    /// <summary>When the current state began.</summary>
    public DateTimeOffset Since { get; private set; }

    public int ConsecutiveMisses { get; private set; }

    /// <summary>The detail of the most recent miss, kept while the server is not healthy again.</summary>
    public string? LastProblem { get; private set; }

    /// <summary>Functional servers record: every state but <see cref="HealthState.Failed"/>.</summary>
    public bool IsFunctional => State != HealthState.Failed;

    /// <summary>Takes one probe result; returns the change it caused, if any.</summary>
    public HealthChange? Observe(ProbeResult probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        var now = _time.GetUtcNow();
        return _policy.IsMiss(probe.Outcome) ? OnMiss(probe, now) : OnSuccess(now);
    }

    private HealthChange? OnMiss(ProbeResult probe, DateTimeOffset now)
    {
        ConsecutiveMisses++;
        LastProblem = probe.Detail ?? probe.Outcome.ToString();
        var reason = $"{ConsecutiveMisses} failed probe(s) in a row: {LastProblem}";
        return State switch
        {
            HealthState.Failed => null,
            HealthState.Recovering => MoveTo(HealthState.Failed, now, $"failed again while recovering: {LastProblem}"),
            _ when ConsecutiveMisses >= _policy.MissesBeforeFailure => MoveTo(HealthState.Failed, now, reason),
            HealthState.Suspect => null,
            _ => MoveTo(HealthState.Suspect, now, reason),
        };
    }

    private HealthChange? OnSuccess(DateTimeOffset now)
    {
        ConsecutiveMisses = 0;
        switch (State)
        {
            case HealthState.Failed when _policy.StabilisationPeriod <= TimeSpan.Zero:
                return BecomeRecovered(now);
            case HealthState.Failed:
                return MoveTo(HealthState.Recovering, now, "probes succeed again");
            case HealthState.Recovering when now - Since >= _policy.StabilisationPeriod:
                return BecomeRecovered(now);
            case HealthState.Recovering:
                return null;
            case HealthState.Suspect:
                LastProblem = null;
                return MoveTo(HealthState.Healthy, now, "probe succeeded");
            case HealthState.Recovered:
                LastProblem = null;
                return MoveTo(HealthState.Healthy, now, "stable since recovery");
            default:
                return null;
        }
    }

    private HealthChange BecomeRecovered(DateTimeOffset now) =>
        MoveTo(HealthState.Recovered, now, $"healthy for the stabilisation period of {_policy.StabilisationPeriod.TotalSeconds:0.#} s");

    private HealthChange MoveTo(HealthState to, DateTimeOffset now, string reason)
    {
        var change = new HealthChange(State, to, now, reason);
        State = to;
        Since = now;
        return change;
    }
}

namespace Vigil.Domain.Failover;

/// <summary>What one failover round asks the CMS to do, in order.</summary>
public abstract record FailoverDecision;

/// <summary>Open an automatic episode for a failed recording server (through <see cref="FailoverStateMachine.Begin"/>).</summary>
public sealed record BeginEpisode(ServerId Server) : FailoverDecision;

/// <summary>Offer <paramref name="Input"/> to an open episode; the decider checked that the state machine accepts it.</summary>
public sealed record ApplyInput(EpisodeId Episode, FailoverInput Input) : FailoverDecision;

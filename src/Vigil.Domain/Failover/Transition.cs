namespace Vigil.Domain.Failover;

/// <summary>
/// The result of offering an input to an episode: the episode after it (unchanged when refused),
/// and the refusal if the input is not allowed in the episode's phase.
/// </summary>
public sealed record Transition(FailoverEpisode Episode, Refusal? Refusal)
{
    public bool IsAccepted => Refusal is null;
}

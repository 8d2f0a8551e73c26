using Vigil.Domain.Inventory;

namespace Vigil.Domain.Failover;

/// <summary>
/// The running state of one <see cref="FailoverDecider"/> round: the open episodes as the decisions so far
/// leave them, so each later step of the round sees what the CMS would see after applying the earlier ones.
/// </summary>
internal sealed class DecisionRound(FailoverSituation situation, FailoverStateMachine machine)
{
    private readonly List<FailoverDecision> _decisions = [];
    private readonly Dictionary<ServerId, ManagedServer> _servers = situation.Servers.ToDictionary(s => s.Id);
    private Epoch _epoch = situation.HighestEpoch;

    public List<FailoverEpisode> Open { get; } = situation.Open.Where(e => e.IsOpen).ToList();

    public IReadOnlyList<FailoverDecision> Decisions => _decisions;

    /// <summary>A server of the situation by its id, looked up once per round rather than searched for each episode.</summary>
    public ManagedServer? Find(ServerId id) => _servers.GetValueOrDefault(id);

    public void Begin(ServerId server) => _decisions.Add(new BeginEpisode(server));

    /// <summary>Decides <paramref name="input"/> if the state machine accepts it; a refused input would change nothing.</summary>
    public void Offer(FailoverEpisode episode, FailoverInput input) => TryOffer(episode, input);

    /// <summary>Like <see cref="Offer"/> for an input that carries the next epoch; a refused one does not use it up.</summary>
    public void OfferWithEpoch(FailoverEpisode episode, Func<Epoch, FailoverInput> input)
    {
        var next = _epoch.Next();
        if (TryOffer(episode, input(next)))
        {
            _epoch = next;
        }
    }

    private bool TryOffer(FailoverEpisode episode, FailoverInput input)
    {
        var transition = machine.Apply(episode, input);
        if (!transition.IsAccepted)
        {
            return false;
        }

        _decisions.Add(new ApplyInput(episode.Id, input));
        var index = Open.FindIndex(e => e.Id == episode.Id);
        if (transition.Episode.IsOpen)
        {
            Open[index] = transition.Episode;
        }
        else
        {
            Open.RemoveAt(index);
        }

        return true;
    }
}

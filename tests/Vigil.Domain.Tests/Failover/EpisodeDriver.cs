using Microsoft.Extensions.Time.Testing;
using Vigil.Domain.Failover;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests.Failover;

/// <summary>Drives episodes through the state machine to a given phase, the way the orchestrator would.</summary>
internal sealed class EpisodeDriver
{
    public static readonly ServerId Original = new(1);
    public static readonly ServerId StandbyA = new(10);
    public static readonly ServerId StandbyB = new(11);
    public static readonly ServerId OtherRecording = new(2);

    public EpisodeDriver() => Machine = new FailoverStateMachine(Clock);

    public FakeTimeProvider Clock { get; } = TestClock.New();

    public FailoverStateMachine Machine { get; }

    public FailoverEpisode Detected(FailoverOrigin origin = FailoverOrigin.Automatic)
    {
        var begun = Machine.Begin(new EpisodeId(1), Servers.Recording(Original.Value), Servers.Group1, origin, hasOpenEpisode: false,
            automaticFailover: true);
        begun.IsAccepted.ShouldBeTrue();
        return begun.Episode;
    }

    public FailoverEpisode Assigning() => Accept(Detected(), new NoStandbyAvailable("no ready standby in the group"));

    public FailoverEpisode TakingOver(FailoverOrigin origin = FailoverOrigin.Automatic) =>
        Accept(Detected(origin), new StandbyChosen(StandbyA, new Epoch(7)));

    public FailoverEpisode Active(FailoverOrigin origin = FailoverOrigin.Automatic)
    {
        var taking = TakingOver(origin);
        return Accept(taking, new TakeoverConfirmed(taking.Epoch));
    }

    public FailoverEpisode FailingBack() => Accept(Active(), new OriginalRecovered());

    public FailoverEpisode FailingBackOriginalRecording() => Accept(FailingBack(), new OriginalRecordingConfirmed());

    public FailoverEpisode Restoring() => Accept(FailingBackOriginalRecording(), new StandbyReleased(RestoreRecordings: true));

    public FailoverEpisode Cleaning() => Accept(Restoring(), new RestoreCompleted());

    public FailoverEpisode Completed() => Accept(Cleaning(), new CleanupCompleted());

    public FailoverEpisode Stopped() => Accept(Detected(), new StopFailover(Confirmed: true));

    /// <summary>Standby A recorded part of the outage, then was lost: it holds footage, no standby acts.</summary>
    public FailoverEpisode AssigningWithFootage() => Accept(Active(), new StandbyLost("unreachable"));

    public FailoverEpisode Failed() => Accept(Detected(), new StepFailed("recording space of the original is gone"));

    public FailoverEpisode Interrupted() => Accept(Assigning(), new GroupDeleted());

    public FailoverEpisode Accept(FailoverEpisode episode, FailoverInput input)
    {
        var transition = Machine.Apply(episode, input);
        transition.Refusal.ShouldBeNull($"{input} in {episode.Phase}");
        Clock.Advance(TimeSpan.FromSeconds(1));
        return transition.Episode;
    }
}

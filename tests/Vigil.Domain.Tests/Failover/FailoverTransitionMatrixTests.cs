using Vigil.Domain.Failover;

namespace Vigil.Domain.Tests.Failover;

/// <summary>
/// Every input offered in every phase: the legal transitions land in the expected phase, every other
/// combination is refused and leaves the episode unchanged.
/// </summary>
public class FailoverTransitionMatrixTests
{
    private static readonly Dictionary<string, Func<EpisodeDriver, FailoverEpisode>> States = new()
    {
        ["Detected"] = d => d.Detected(),
        ["Assigning"] = d => d.Assigning(),
        ["TakingOver"] = d => d.TakingOver(),
        ["Active"] = d => d.Active(),
        ["FailingBack"] = d => d.FailingBack(),
        ["FailingBack+OriginalRecording"] = d => d.FailingBackOriginalRecording(),
        ["Restoring"] = d => d.Restoring(),
        ["Cleaning"] = d => d.Cleaning(),
        ["Completed"] = d => d.Completed(),
        ["Stopped"] = d => d.Stopped(),
        ["Failed"] = d => d.Failed(),
        ["Assigning+Footage"] = d => d.AssigningWithFootage(),
        ["Interrupted"] = d => d.Interrupted(),
    };

    private static readonly Dictionary<string, Func<FailoverEpisode, FailoverInput>> Inputs = new()
    {
        ["StandbyChosen"] = e => new StandbyChosen(EpisodeDriver.StandbyB, new Epoch(e.Epoch.Value + 1)),
        ["NoStandbyAvailable"] = _ => new NoStandbyAvailable("none"),
        ["TakeoverConfirmed"] = e => new TakeoverConfirmed(e.Epoch),
        ["TakeoverFailed"] = _ => new TakeoverFailed("refused"),
        ["StandbyLost"] = _ => new StandbyLost("unreachable"),
        ["OriginalRecovered"] = _ => new OriginalRecovered(),
        ["OriginalFailed"] = e => new OriginalFailed(new Epoch(e.Epoch.Value + 1)),
        ["OriginalRecordingConfirmed"] = _ => new OriginalRecordingConfirmed(),
        ["StandbyReleased"] = _ => new StandbyReleased(RestoreRecordings: true),
        ["RestoreProgressed"] = _ => new RestoreProgressed(new RestoreProgress(10, 100, 1, 10)),
        ["RestoreWaiting"] = _ => new RestoreWaiting("the recording server's space is full"),
        ["RestoreCompleted"] = _ => new RestoreCompleted(),
        ["CleanupCompleted"] = _ => new CleanupCompleted(),
        ["StepFailed"] = _ => new StepFailed("broken"),
        ["FailbackWaiting"] = _ => new FailbackWaiting("cam-2 is unreachable from the recording server"),
        ["ManualFailback"] = _ => new ManualFailback(OriginalFunctional: true),
        ["StopRestoration"] = _ => new StopRestoration(Confirmed: true),
        ["ReplaceWithActingStandby"] = _ => new ReplaceWithActingStandby(),
        ["ReplaceWithServer"] = _ => new ReplaceWithServer(EpisodeDriver.OtherRecording, ReplacementNormal: true),
        ["StopFailover"] = _ => new StopFailover(Confirmed: true),
        ["GroupDeleted"] = _ => new GroupDeleted(),
    };

    /// <summary>
    /// (state, input) → phase after; every pair not listed must be refused. A step failure never ends an
    /// episode whose footage is still on a standby, so it is legal only before any standby was sent a takeover.
    /// </summary>
    private static readonly Dictionary<(string State, string Input), FailoverPhase> Legal = new()
    {
        [("Detected", "StandbyChosen")] = FailoverPhase.TakingOver,
        [("Detected", "NoStandbyAvailable")] = FailoverPhase.Assigning,
        [("Detected", "OriginalRecovered")] = FailoverPhase.Completed,
        [("Detected", "ManualFailback")] = FailoverPhase.Completed,
        [("Detected", "ReplaceWithServer")] = FailoverPhase.Completed,
        [("Detected", "StopFailover")] = FailoverPhase.Stopped,
        [("Detected", "GroupDeleted")] = FailoverPhase.Interrupted,
        [("Detected", "StepFailed")] = FailoverPhase.Failed,

        [("Assigning", "StandbyChosen")] = FailoverPhase.TakingOver,
        [("Assigning", "NoStandbyAvailable")] = FailoverPhase.Assigning,
        [("Assigning", "OriginalRecovered")] = FailoverPhase.Completed,
        [("Assigning", "ManualFailback")] = FailoverPhase.Completed,
        [("Assigning", "ReplaceWithServer")] = FailoverPhase.Completed,
        [("Assigning", "StopFailover")] = FailoverPhase.Stopped,
        [("Assigning", "GroupDeleted")] = FailoverPhase.Interrupted,
        [("Assigning", "StepFailed")] = FailoverPhase.Failed,

        [("Assigning+Footage", "StandbyChosen")] = FailoverPhase.TakingOver,
        [("Assigning+Footage", "NoStandbyAvailable")] = FailoverPhase.Assigning,
        [("Assigning+Footage", "OriginalRecovered")] = FailoverPhase.FailingBack,
        [("Assigning+Footage", "ManualFailback")] = FailoverPhase.FailingBack,
        [("Assigning+Footage", "ReplaceWithServer")] = FailoverPhase.FailingBack,
        [("Assigning+Footage", "StopFailover")] = FailoverPhase.Cleaning,
        [("Assigning+Footage", "GroupDeleted")] = FailoverPhase.Cleaning,

        [("TakingOver", "TakeoverConfirmed")] = FailoverPhase.Active,
        [("TakingOver", "TakeoverFailed")] = FailoverPhase.Assigning,
        [("TakingOver", "StopFailover")] = FailoverPhase.Cleaning,
        [("TakingOver", "GroupDeleted")] = FailoverPhase.Cleaning,

        [("Active", "StandbyLost")] = FailoverPhase.Assigning,
        [("Active", "OriginalRecovered")] = FailoverPhase.FailingBack,
        [("Active", "ManualFailback")] = FailoverPhase.FailingBack,
        [("Active", "ReplaceWithActingStandby")] = FailoverPhase.Restoring,
        [("Active", "ReplaceWithServer")] = FailoverPhase.FailingBack,
        [("Active", "StopFailover")] = FailoverPhase.Cleaning,
        [("Active", "GroupDeleted")] = FailoverPhase.Cleaning,

        [("FailingBack", "OriginalRecordingConfirmed")] = FailoverPhase.FailingBack,
        [("FailingBack", "FailbackWaiting")] = FailoverPhase.FailingBack,
        [("FailingBack", "OriginalFailed")] = FailoverPhase.Active,
        [("FailingBack", "StopFailover")] = FailoverPhase.Cleaning,
        [("FailingBack", "GroupDeleted")] = FailoverPhase.Cleaning,

        [("FailingBack+OriginalRecording", "StandbyReleased")] = FailoverPhase.Restoring,
        [("FailingBack+OriginalRecording", "OriginalFailed")] = FailoverPhase.Active,
        [("FailingBack+OriginalRecording", "StopFailover")] = FailoverPhase.Cleaning,
        [("FailingBack+OriginalRecording", "GroupDeleted")] = FailoverPhase.Cleaning,

        [("Restoring", "OriginalFailed")] = FailoverPhase.TakingOver,
        [("Restoring", "RestoreProgressed")] = FailoverPhase.Restoring,
        [("Restoring", "RestoreWaiting")] = FailoverPhase.Restoring,
        [("Restoring", "RestoreCompleted")] = FailoverPhase.Cleaning,
        [("Restoring", "StopRestoration")] = FailoverPhase.Cleaning,
        [("Restoring", "StopFailover")] = FailoverPhase.Cleaning,
        [("Restoring", "GroupDeleted")] = FailoverPhase.Cleaning,

        [("Cleaning", "CleanupCompleted")] = FailoverPhase.Completed,
        [("Cleaning", "GroupDeleted")] = FailoverPhase.Cleaning,
    };

    public static TheoryData<string, string> EveryPair()
    {
        var data = new TheoryData<string, string>();
        foreach (var state in States.Keys)
        {
            foreach (var input in Inputs.Keys)
            {
                data.Add(state, input);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Each_input_in_each_phase_is_either_the_listed_transition_or_refused(string state, string input)
    {
        var driver = new EpisodeDriver();
        var episode = States[state](driver);

        var transition = driver.Machine.Apply(episode, Inputs[input](episode));

        if (Legal.TryGetValue((state, input), out var expected))
        {
            transition.Refusal.ShouldBeNull();
            transition.Episode.Phase.ShouldBe(expected);
        }
        else
        {
            transition.IsAccepted.ShouldBeFalse();
            transition.Refusal!.Message.ShouldNotBeNullOrWhiteSpace();
            transition.Episode.ShouldBeSameAs(episode);
        }
    }

    [Fact]
    public void The_matrix_covers_every_input_type_and_phase()
    {
        var inputTypes = typeof(FailoverInput).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(FailoverInput)) && !t.IsAbstract)
            .Select(t => t.Name);
        Inputs.Keys.ShouldBe(inputTypes, ignoreOrder: true);

        var driver = new EpisodeDriver();
        States.Values.Select(build => build(driver).Phase).Distinct().ShouldBe(Enum.GetValues<FailoverPhase>(), ignoreOrder: true);
    }
}

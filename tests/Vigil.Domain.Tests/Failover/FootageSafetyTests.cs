using Vigil.Domain.Failover;
using static Vigil.Domain.Failover.FailoverStateMachine;
using Codes = Vigil.Domain.Failover.EpisodeNote.Codes;

namespace Vigil.Domain.Tests.Failover;

/// <summary>
/// Footage a standby recorded during an outage is removed only once it is home, or when an operator
/// discards it: no transition may end an episode while its footage is still on a standby.
/// </summary>
public class FootageSafetyTests
{
    private readonly EpisodeDriver _driver = new();

    private FailoverStateMachine Machine => _driver.Machine;

    [Fact]
    public void Original_recovers_after_the_only_standby_was_lost_fails_back_and_restores_the_lost_standbys_footage()
    {
        var failingBack = _driver.Accept(_driver.AssigningWithFootage(), new OriginalRecovered());

        failingBack.Phase.ShouldBe(FailoverPhase.FailingBack);
        failingBack.Standby.ShouldBeNull();
        failingBack.OriginalRecording.ShouldBeFalse();
        failingBack.Note.Code.ShouldBe(Codes.FailbackAfterLostStandby);
        failingBack.StandbyRecordsInstead.ShouldBeFalse();
        failingBack.NextStep.ShouldBe(FailoverStep.ResumeOriginal);

        var recording = _driver.Accept(failingBack, new OriginalRecordingConfirmed());
        recording.NextStep.ShouldBe(FailoverStep.ReleaseStandby);
        var restoring = _driver.Accept(recording, new StandbyReleased(RestoreRecordings: true));
        restoring.Phase.ShouldBe(FailoverPhase.Restoring);
        restoring.FootageOn.ShouldBe([EpisodeDriver.StandbyA]);
        restoring.Occupies(EpisodeDriver.StandbyA).ShouldBeTrue();
        var done = _driver.Accept(_driver.Accept(restoring, new RestoreCompleted()), new CleanupCompleted());
        done.Resolution.ShouldBe(FailoverResolution.Restored);
    }

    [Fact]
    public void Manual_failback_after_a_failed_takeover_restores_what_that_standby_recorded_instead_of_removing_it()
    {
        var assigning = _driver.Accept(_driver.TakingOver(FailoverOrigin.Manual), new TakeoverFailed("timed out"));

        var failingBack = _driver.Accept(assigning, new ManualFailback(OriginalFunctional: true));

        failingBack.Phase.ShouldBe(FailoverPhase.FailingBack);
        failingBack.Standby.ShouldBeNull();
        failingBack.FootageOn.ShouldBe([EpisodeDriver.StandbyA]);
        failingBack.Note.Code.ShouldBe(Codes.FailbackAfterLostStandby);
    }

    [Fact]
    public void Recovery_before_any_standby_recorded_still_completes_at_once()
    {
        var done = _driver.Accept(_driver.Assigning(), new OriginalRecovered());

        done.Phase.ShouldBe(FailoverPhase.Completed);
        done.Resolution.ShouldBe(FailoverResolution.RecoveredUnprotected);
    }

    [Fact]
    public void Replacing_a_server_whose_standby_was_lost_sends_the_held_footage_to_the_replacement()
    {
        var failingBack = _driver.Accept(_driver.AssigningWithFootage(),
            new ReplaceWithServer(EpisodeDriver.OtherRecording, ReplacementNormal: true));

        failingBack.Phase.ShouldBe(FailoverPhase.FailingBack);
        failingBack.RecordingServer.ShouldBe(EpisodeDriver.OtherRecording);
        failingBack.Standby.ShouldBeNull();
        failingBack.Resolution.ShouldBe(FailoverResolution.ReplacedByServer);
        failingBack.Note.ShouldBe(new EpisodeNote(Codes.ReplacedByServerWithFootage, EpisodeDriver.OtherRecording));

        var restoring = _driver.Accept(_driver.Accept(failingBack, new OriginalRecordingConfirmed()), new StandbyReleased(true));
        _driver.Accept(_driver.Accept(restoring, new RestoreCompleted()), new CleanupCompleted()).Resolution
            .ShouldBe(FailoverResolution.ReplacedByServer);
    }

    [Fact]
    public void Replacing_a_server_no_standby_recorded_for_still_completes_at_once()
    {
        var done = _driver.Accept(_driver.Assigning(), new ReplaceWithServer(EpisodeDriver.OtherRecording, ReplacementNormal: true));

        done.Phase.ShouldBe(FailoverPhase.Completed);
        done.RecordingServer.ShouldBe(EpisodeDriver.OtherRecording);
    }

    public static TheoryData<string> PhasesWithFootage => ["taking-over", "active", "assigning-with-footage", "failing-back", "restoring", "cleaning"];

    [Theory]
    [MemberData(nameof(PhasesWithFootage))]
    public void A_failed_step_is_refused_while_standbys_hold_footage_so_the_episode_stays_open(string phase)
    {
        var episode = phase switch
        {
            "taking-over" => _driver.TakingOver(),
            "active" => _driver.Active(),
            "assigning-with-footage" => _driver.AssigningWithFootage(),
            "failing-back" => _driver.FailingBack(),
            "restoring" => _driver.Restoring(),
            _ => _driver.Cleaning(),
        };

        var transition = Machine.Apply(episode, new StepFailed("recording space of the original is gone"));

        transition.Refusal.ShouldNotBeNull().Rule.ShouldBe(Rules.FootagePending);
        transition.Episode.ShouldBeSameAs(episode);
        transition.Episode.IsOpen.ShouldBeTrue();
    }

    [Fact]
    public void A_failed_step_ends_an_episode_without_footage_as_failed()
    {
        var failed = _driver.Accept(_driver.Assigning(), new StepFailed("group is gone"));

        failed.Phase.ShouldBe(FailoverPhase.Failed);
        failed.Note.ShouldBe(new EpisodeNote(Codes.StepFailed, Detail: "group is gone"));
    }

    [Fact]
    public void Failback_waiting_says_why_and_keeps_the_phase_and_its_start()
    {
        var failingBack = _driver.FailingBack();
        const string Why = "cam-2 is unreachable from the recording server; the standby keeps recording it";

        var waiting = _driver.Accept(failingBack, new FailbackWaiting(Why));
        var again = _driver.Accept(waiting, new FailbackWaiting(Why));

        waiting.Phase.ShouldBe(FailoverPhase.FailingBack);
        waiting.PhaseSince.ShouldBe(failingBack.PhaseSince);
        waiting.Note.ShouldBe(new EpisodeNote(Codes.FailbackWaits, Detail: Why));
        waiting.Note.Render(id => id.ToString()).ShouldBe($"failback waits: {Why}");
        again.Note.ShouldBe(waiting.Note);
        again.PhaseSince.ShouldBe(failingBack.PhaseSince);
    }

    [Fact]
    public void Failback_waiting_is_refused_once_the_original_records_and_outside_failback()
    {
        Machine.Apply(_driver.FailingBackOriginalRecording(), new FailbackWaiting("x")).Refusal!.Rule.ShouldBe(Rules.NotInPhase);
        Machine.Apply(_driver.Active(), new FailbackWaiting("x")).Refusal!.Rule.ShouldBe(Rules.NotInPhase);
    }

    [Fact]
    public void Original_failing_again_while_failing_back_to_a_lost_standbys_footage_waits_for_a_new_standby()
    {
        var failingBack = _driver.Accept(_driver.AssigningWithFootage(), new OriginalRecovered());

        var assigning = _driver.Accept(failingBack, new OriginalFailed(new Epoch(9)));

        assigning.Phase.ShouldBe(FailoverPhase.Assigning);
        assigning.Standby.ShouldBeNull();
        assigning.FootageOn.ShouldBe([EpisodeDriver.StandbyA]);
        assigning.NextStep.ShouldBe(FailoverStep.ChooseStandby);
    }

    [Fact]
    public void Original_failing_again_during_restore_is_not_retaken_by_a_lost_standby()
    {
        var failingBack = _driver.Accept(_driver.AssigningWithFootage(), new OriginalRecovered());
        var restoring = _driver.Accept(_driver.Accept(failingBack, new OriginalRecordingConfirmed()), new StandbyReleased(true));

        var after = _driver.Accept(restoring, new OriginalFailed(new Epoch(9)));

        after.Phase.ShouldBe(FailoverPhase.Assigning);
        after.Standby.ShouldBeNull();
        after.Note.Code.ShouldBe(Codes.OriginalFailedNoHolder);
    }

    [Fact]
    public void Original_failing_again_during_restore_is_retaken_by_the_newest_holder_that_was_not_lost()
    {
        var assigning = _driver.AssigningWithFootage();
        var active = _driver.Accept(_driver.Accept(assigning, new StandbyChosen(EpisodeDriver.StandbyB, new Epoch(8))), new TakeoverConfirmed(new Epoch(8)));
        var restoring = _driver.Accept(
            _driver.Accept(_driver.Accept(active, new OriginalRecovered()), new OriginalRecordingConfirmed()), new StandbyReleased(true));

        var retaken = _driver.Accept(restoring, new OriginalFailed(new Epoch(9)));

        retaken.Phase.ShouldBe(FailoverPhase.TakingOver);
        retaken.Standby.ShouldBe(EpisodeDriver.StandbyB);
    }
}

using Vigil.Domain.Failover;
using Vigil.Domain.Tests.Support;
using static Vigil.Domain.Failover.FailoverStateMachine;

namespace Vigil.Domain.Tests.Failover;

public class FailoverStateMachineTests
{
    private readonly EpisodeDriver _driver = new();

    private FailoverStateMachine Machine => _driver.Machine;

    private Transition Begin(
        Vigil.Domain.Inventory.ManagedServer? server = null,
        Vigil.Domain.Inventory.FailoverGroup? group = null,
        FailoverOrigin origin = FailoverOrigin.Automatic,
        bool open = false,
        bool automatic = true) =>
        Machine.Begin(new EpisodeId(5), server ?? Servers.Recording(1), group ?? Servers.Group1, origin, open, automatic);

    [Fact]
    public void A_new_episode_starts_detected_with_no_epoch_and_asks_for_a_standby()
    {
        var episode = Begin().Episode;

        episode.Phase.ShouldBe(FailoverPhase.Detected);
        episode.Epoch.ShouldBe(Epoch.None);
        episode.NextStep.ShouldBe(FailoverStep.ChooseStandby);
        episode.StartedAt.ShouldBe(_driver.Clock.GetUtcNow());
    }

    [Fact]
    public void Only_an_enabled_recording_server_of_a_protected_group_can_begin_a_failover()
    {
        Begin(server: Servers.Standby(10)).Refusal!.Rule.ShouldBe(Rules.NotRecordingServer);
        Begin(server: Servers.Recording(1, enabled: false)).Refusal!.Rule.ShouldBe(Rules.ServerDisabled);
        Begin(group: Servers.Group2).Refusal!.Rule.ShouldBe(Rules.NotInGroup);
        Begin(group: Servers.Group1 with { ProtectionEnabled = false }).Refusal!.Rule.ShouldBe(Rules.ProtectionOff);
        Begin(open: true).Refusal!.Rule.ShouldBe(Rules.AlreadyInFailover);
    }

    [Fact]
    public void Automatic_failover_can_be_turned_off_but_manual_failover_still_works()
    {
        Begin(automatic: false).Refusal!.Rule.ShouldBe(Rules.AutomaticFailoverOff);
        Begin(origin: FailoverOrigin.Manual, automatic: false).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public void The_whole_path_from_failure_to_restored_footage_says_what_to_do_at_each_step()
    {
        var d = _driver;
        var episode = d.Detected();
        var steps = new List<FailoverStep> { episode.NextStep };

        episode = d.Accept(episode, new StandbyChosen(EpisodeDriver.StandbyA, new Epoch(3)));
        steps.Add(episode.NextStep);
        episode = d.Accept(episode, new TakeoverConfirmed(new Epoch(3)));
        steps.Add(episode.NextStep);
        episode = d.Accept(episode, new OriginalRecovered());
        steps.Add(episode.NextStep);
        episode = d.Accept(episode, new OriginalRecordingConfirmed());
        steps.Add(episode.NextStep);
        episode = d.Accept(episode, new StandbyReleased(RestoreRecordings: true));
        steps.Add(episode.NextStep);
        episode = d.Accept(episode, new RestoreProgressed(new RestoreProgress(50, 100, 3, 6)));
        episode.Restore.Fraction.ShouldBe(0.5);
        episode = d.Accept(episode, new RestoreCompleted());
        steps.Add(episode.NextStep);
        episode = d.Accept(episode, new CleanupCompleted());
        steps.Add(episode.NextStep);

        steps.ShouldBe([
            FailoverStep.ChooseStandby, FailoverStep.StartTakeover, FailoverStep.AwaitRecovery, FailoverStep.ResumeOriginal,
            FailoverStep.ReleaseStandby, FailoverStep.CopyFootage, FailoverStep.RemoveFootage, FailoverStep.None,
        ]);
        episode.Phase.ShouldBe(FailoverPhase.Completed);
        episode.Resolution.ShouldBe(FailoverResolution.Restored);
        episode.IsOpen.ShouldBeFalse();
        episode.Standby.ShouldBeNull();
    }

    [Fact]
    public void Each_takeover_needs_a_higher_epoch()
    {
        var taking = _driver.TakingOver();

        var again = Machine.Apply(_driver.Accept(taking, new TakeoverFailed("disk full")), new StandbyChosen(EpisodeDriver.StandbyB, taking.Epoch));

        again.Refusal!.Rule.ShouldBe(Rules.StaleEpoch);
    }

    [Fact]
    public void A_confirmation_for_another_epoch_is_refused() =>
        Machine.Apply(_driver.TakingOver(), new TakeoverConfirmed(new Epoch(6))).Refusal!.Rule.ShouldBe(Rules.StaleEpoch);

    [Fact]
    public void A_standby_that_failed_to_take_over_is_not_chosen_again_but_another_is()
    {
        var taking = _driver.TakingOver();
        var assigning = _driver.Accept(taking, new TakeoverFailed("no empty space"));

        assigning.Phase.ShouldBe(FailoverPhase.Assigning);
        assigning.FailedStandbys.ShouldBe([EpisodeDriver.StandbyA]);
        assigning.Note.ShouldBe(new EpisodeNote(EpisodeNote.Codes.TakeoverFailed, EpisodeDriver.StandbyA, Detail: "no empty space"));
        Machine.Apply(assigning, new StandbyChosen(EpisodeDriver.StandbyA, new Epoch(8))).Refusal!.Rule.ShouldBe(Rules.StandbyAlreadyFailed);
        Machine.Apply(assigning, new StandbyChosen(EpisodeDriver.StandbyB, new Epoch(8))).Episode.Standby.ShouldBe(EpisodeDriver.StandbyB);
    }

    [Fact]
    public void A_lost_standby_keeps_its_footage_in_the_episode_and_another_takes_over()
    {
        var assigning = _driver.Accept(_driver.Active(), new StandbyLost("unreachable"));
        var retaken = _driver.Accept(assigning, new StandbyChosen(EpisodeDriver.StandbyB, new Epoch(8)));

        retaken.FootageOn.ShouldBe([EpisodeDriver.StandbyA, EpisodeDriver.StandbyB]);
        retaken.Standby.ShouldBe(EpisodeDriver.StandbyB);
    }

    [Fact]
    public void Failback_is_make_before_break()
    {
        var failingBack = _driver.FailingBack();

        failingBack.StandbyRecordsInstead.ShouldBeTrue();
        failingBack.NextStep.ShouldBe(FailoverStep.ResumeOriginal);
        Machine.Apply(failingBack, new StandbyReleased(true)).Refusal!.Rule.ShouldBe(Rules.MakeBeforeBreak);

        var recording = _driver.Accept(failingBack, new OriginalRecordingConfirmed());
        recording.StandbyRecordsInstead.ShouldBeFalse();
        recording.NextStep.ShouldBe(FailoverStep.ReleaseStandby);
        recording.Occupies(EpisodeDriver.StandbyA).ShouldBeTrue();
    }

    [Fact]
    public void The_original_confirms_recording_once() =>
        Machine.Apply(_driver.FailingBackOriginalRecording(), new OriginalRecordingConfirmed()).Refusal!.Rule.ShouldBe(Rules.NotInPhase);

    [Fact]
    public void With_restore_off_the_standby_footage_is_removed_and_the_episode_completes_as_failed_back()
    {
        var cleaning = _driver.Accept(_driver.FailingBackOriginalRecording(), new StandbyReleased(RestoreRecordings: false));
        var done = _driver.Accept(cleaning, new CleanupCompleted());

        cleaning.Phase.ShouldBe(FailoverPhase.Cleaning);
        cleaning.NextStep.ShouldBe(FailoverStep.RemoveFootage);
        done.Phase.ShouldBe(FailoverPhase.Completed);
        done.Resolution.ShouldBe(FailoverResolution.FailedBack);
    }

    [Fact]
    public void A_manual_failover_waits_for_a_manual_failback()
    {
        var active = _driver.Active(FailoverOrigin.Manual);

        Machine.Apply(active, new OriginalRecovered()).Refusal!.Rule.ShouldBe(Rules.ManualFailbackOnly);
        Machine.Apply(active, new ManualFailback(OriginalFunctional: true)).Episode.Phase.ShouldBe(FailoverPhase.FailingBack);
    }

    [Fact]
    public void A_manual_failback_before_any_standby_took_over_ends_the_failover()
    {
        var manual = _driver.Accept(_driver.Detected(FailoverOrigin.Manual), new NoStandbyAvailable("no ready standby in the group"));

        var done = _driver.Accept(manual, new ManualFailback(OriginalFunctional: true));

        done.Phase.ShouldBe(FailoverPhase.Completed);
        done.Resolution.ShouldBe(FailoverResolution.RecoveredUnprotected);
        Machine.Apply(manual, new ManualFailback(OriginalFunctional: false)).Refusal!.Rule.ShouldBe(Rules.OriginalNotFunctional);
    }

    [Fact]
    public void Manual_failback_needs_a_functional_original() =>
        Machine.Apply(_driver.Active(), new ManualFailback(OriginalFunctional: false)).Refusal!.Rule.ShouldBe(Rules.OriginalNotFunctional);

    [Fact]
    public void An_original_that_fails_again_during_failback_goes_back_to_the_standby()
    {
        var active = _driver.Accept(_driver.FailingBackOriginalRecording(), new OriginalFailed(new Epoch(8)));

        active.Phase.ShouldBe(FailoverPhase.Active);
        active.OriginalRecording.ShouldBeFalse();
        active.Standby.ShouldBe(EpisodeDriver.StandbyA);
    }

    [Fact]
    public void An_original_that_fails_again_during_restore_is_taken_over_by_the_standby_holding_its_footage()
    {
        var restoring = _driver.Accept(_driver.Restoring(), new RestoreProgressed(new RestoreProgress(40, 100, 2, 5)));

        var retaken = _driver.Accept(restoring, new OriginalFailed(new Epoch(9)));

        retaken.Phase.ShouldBe(FailoverPhase.TakingOver);
        retaken.Standby.ShouldBe(EpisodeDriver.StandbyA);
        retaken.Epoch.ShouldBe(new Epoch(9));
        retaken.Restore.BytesCopied.ShouldBe(40);
        Machine.Apply(restoring, new OriginalFailed(restoring.Epoch)).Refusal!.Rule.ShouldBe(Rules.StaleEpoch);
    }

    [Fact]
    public void A_restore_that_waits_for_space_says_so_and_its_next_progress_says_it_restores_again()
    {
        var restoring = _driver.Accept(_driver.Restoring(), new RestoreProgressed(new RestoreProgress(40, 100, 2, 5)));

        var waiting = _driver.Accept(restoring, new RestoreWaiting("the recording server's space is full"));
        var resumed = _driver.Accept(waiting, new RestoreProgressed(new RestoreProgress(60, 100, 3, 5)));

        waiting.Phase.ShouldBe(FailoverPhase.Restoring);
        waiting.Note.ShouldBe(new EpisodeNote(EpisodeNote.Codes.RestoreWaits, Detail: "the recording server's space is full"));
        waiting.Restore.ShouldBe(restoring.Restore, "what is home stays counted while it waits");
        resumed.Note.Code.ShouldBe(EpisodeNote.Codes.Restoring);
        resumed.Restore.BytesCopied.ShouldBe(60);
        _driver.Accept(restoring, new RestoreProgressed(new RestoreProgress(50, 100, 3, 5))).Note.ShouldBe(restoring.Note, "progress alone keeps the note");
    }

    [Fact]
    public void Restore_progress_must_be_consistent() =>
        Machine.Apply(_driver.Restoring(), new RestoreProgressed(new RestoreProgress(120, 100, 1, 1))).Refusal!.Rule
            .ShouldBe(Rules.InconsistentProgress);

    [Fact]
    public void Stopping_the_restoration_needs_confirmation_and_then_removes_what_is_left()
    {
        var restoring = _driver.Restoring();

        var unconfirmed = Machine.Apply(restoring, new StopRestoration(Confirmed: false));
        unconfirmed.Refusal!.Rule.ShouldBe(Rules.ConfirmationRequired);
        unconfirmed.Refusal.Message.ShouldContain(FootageRemovalWarning);

        var cleaning = _driver.Accept(restoring, new StopRestoration(Confirmed: true));
        cleaning.NextStep.ShouldBe(FailoverStep.RemoveFootage);
        _driver.Accept(cleaning, new CleanupCompleted()).Resolution.ShouldBe(FailoverResolution.RestoreStopped);
    }

    [Fact]
    public void Stopping_a_failover_needs_confirmation_and_ends_stopped_after_removing_the_footage()
    {
        var active = _driver.Active();

        Machine.Apply(active, new StopFailover(Confirmed: false)).Refusal!.Rule.ShouldBe(Rules.ConfirmationRequired);
        var cleaning = _driver.Accept(active, new StopFailover(Confirmed: true));
        cleaning.EndsAs.ShouldBe(FailoverPhase.Stopped);
        _driver.Accept(cleaning, new CleanupCompleted()).Phase.ShouldBe(FailoverPhase.Stopped);
    }

    [Fact]
    public void Replacing_with_the_acting_standby_makes_it_the_recording_server_and_its_footage_its_own()
    {
        var restoring = _driver.Accept(_driver.Active(), new ReplaceWithActingStandby());

        restoring.Phase.ShouldBe(FailoverPhase.Restoring);
        restoring.RecordingServer.ShouldBe(EpisodeDriver.StandbyA);
        restoring.Standby.ShouldBeNull();
        restoring.FootageOn.ShouldBe([EpisodeDriver.StandbyA]);
        var done = _driver.Accept(_driver.Accept(restoring, new RestoreCompleted()), new CleanupCompleted());
        done.Phase.ShouldBe(FailoverPhase.Completed);
        done.Resolution.ShouldBe(FailoverResolution.ReplacedByStandby);
    }

    [Fact]
    public void Replacing_with_the_acting_standby_also_restores_footage_an_earlier_standby_holds()
    {
        var assigning = _driver.Accept(_driver.Active(), new StandbyLost("unreachable"));
        var taking = _driver.Accept(assigning, new StandbyChosen(EpisodeDriver.StandbyB, new Epoch(8)));
        var active = _driver.Accept(taking, new TakeoverConfirmed(new Epoch(8)));

        var restoring = _driver.Accept(active, new ReplaceWithActingStandby());

        restoring.Phase.ShouldBe(FailoverPhase.Restoring);
        restoring.RecordingServer.ShouldBe(EpisodeDriver.StandbyB);
        restoring.FootageOn.ShouldBe([EpisodeDriver.StandbyA, EpisodeDriver.StandbyB]);
        _driver.Accept(_driver.Accept(restoring, new RestoreCompleted()), new CleanupCompleted()).Resolution
            .ShouldBe(FailoverResolution.ReplacedByStandby);
    }

    [Fact]
    public void Replacing_with_another_server_hands_the_cameras_to_it_make_before_break()
    {
        var failingBack = _driver.Accept(_driver.Active(), new ReplaceWithServer(EpisodeDriver.OtherRecording, ReplacementNormal: true));

        failingBack.Phase.ShouldBe(FailoverPhase.FailingBack);
        failingBack.RecordingServer.ShouldBe(EpisodeDriver.OtherRecording);
        failingBack.NextStep.ShouldBe(FailoverStep.ResumeOriginal);
        var restoring = _driver.Accept(_driver.Accept(failingBack, new OriginalRecordingConfirmed()), new StandbyReleased(true));
        _driver.Accept(_driver.Accept(restoring, new RestoreCompleted()), new CleanupCompleted()).Resolution
            .ShouldBe(FailoverResolution.ReplacedByServer);
    }

    [Fact]
    public void Replacing_needs_a_normal_recording_server_that_is_not_the_standby()
    {
        var active = _driver.Active();

        Machine.Apply(active, new ReplaceWithServer(EpisodeDriver.OtherRecording, ReplacementNormal: false)).Refusal!.Rule
            .ShouldBe(Rules.ReplacementNotNormal);
        Machine.Apply(active, new ReplaceWithServer(EpisodeDriver.StandbyA, ReplacementNormal: true)).Refusal!.Rule
            .ShouldBe(Rules.ReplacementIsStandby);
    }

    [Fact]
    public void Deleting_the_group_while_cleaning_still_removes_the_footage_then_ends_interrupted()
    {
        var cleaning = _driver.Accept(_driver.Cleaning(), new GroupDeleted());

        cleaning.EndsAs.ShouldBe(FailoverPhase.Interrupted);
        _driver.Accept(cleaning, new CleanupCompleted()).Phase.ShouldBe(FailoverPhase.Interrupted);
    }

    [Fact]
    public void Phase_since_moves_with_each_phase_change_but_not_with_progress()
    {
        var restoring = _driver.Restoring();
        _driver.Clock.Advance(TimeSpan.FromMinutes(1));

        var progressed = _driver.Accept(restoring, new RestoreProgressed(new RestoreProgress(1, 10, 0, 1)));
        progressed.PhaseSince.ShouldBe(restoring.PhaseSince);

        var cleaning = _driver.Accept(progressed, new RestoreCompleted());
        cleaning.PhaseSince.ShouldBe(_driver.Clock.GetUtcNow() - TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_standby_is_occupied_from_takeover_until_its_footage_is_removed()
    {
        var standby = EpisodeDriver.StandbyA;

        _driver.Assigning().Occupies(standby).ShouldBeFalse();
        _driver.TakingOver().Occupies(standby).ShouldBeTrue();
        _driver.Active().Occupies(standby).ShouldBeTrue();
        _driver.Restoring().Occupies(standby).ShouldBeTrue();
        _driver.Cleaning().Occupies(standby).ShouldBeTrue();
        _driver.Completed().Occupies(standby).ShouldBeFalse();
        _driver.Active().Occupies(EpisodeDriver.StandbyB).ShouldBeFalse();
    }
}

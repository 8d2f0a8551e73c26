using Vigil.Cms.Failover;
using Vigil.Cms.Storage;
using Vigil.Domain;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Tests.Failover;

/// <summary>An episode written to its row reads back the same, so a restarted CMS continues from exactly where it was.</summary>
public class EpisodeRecordsTests
{
    [Fact]
    public void An_episode_survives_the_round_trip_through_its_row()
    {
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var episode = new FailoverEpisode(
            new EpisodeId(12), new ServerId(3), new GroupId(2), FailoverOrigin.Manual, FailoverPhase.Cleaning, new Epoch(9), new ServerId(5),
            [new ServerId(5), new ServerId(6)], [new ServerId(6)], OriginalRecording: true, new RestoreProgress(10, 20, 1, 2),
            FailoverPhase.Stopped, FailoverResolution.RestoreStopped, new EpisodeNote(EpisodeNote.Codes.RestoreStopped, new ServerId(5), new Epoch(9)), at, at.AddMinutes(3))
        {
            FootageKey = "episode-12-1795000000000000",
        };

        var row = EpisodeRecords.NewRow(episode, "rec-3", openedTerm: 1_795_000_000_000_000);
        row.Id = 12;
        var back = EpisodeRecords.ToDomain(row);

        (back with { FootageOn = episode.FootageOn, FailedStandbys = episode.FailedStandbys }).ShouldBe(episode);
        back.FootageOn.ShouldBe(episode.FootageOn);
        back.FailedStandbys.ShouldBe(episode.FailedStandbys);
        row.IsOpen.ShouldBeTrue();
    }

    [Theory]
    [InlineData("episode-4", 4L)]
    [InlineData("episode-4-1795000000000000", 4L)]
    [InlineData("own", null)]
    [InlineData("episode-", null)]
    [InlineData("episode-x-1", null)]
    public void A_footage_key_names_its_episode(string key, long? id) => EpisodeRecords.EpisodeIdOf(key).ShouldBe(id);

    [Fact]
    public void An_episode_stored_before_leader_terms_keeps_the_footage_key_its_standby_holds()
    {
        var row = new EpisodeRow
        {
            Id = 4, RecordingServerName = "x", Origin = "Automatic", Phase = "Active", FootageOnJson = "[]", FailedStandbysJson = "[]",
            Resolution = "None", Note = new EpisodeNote(EpisodeNote.Codes.RecordingServerFailed).ToStorage(),
        };

        EpisodeRecords.ToDomain(row).FootageKey.ShouldBe("episode-4");
        row.OpenedTerm = 1_795_000_000_000_000;
        EpisodeRecords.ToDomain(row).FootageKey.ShouldBe("episode-4-1795000000000000", "two databases that both number an episode 4 give different keys");
    }

    [Fact]
    public void A_closed_episode_is_stored_as_closed()
    {
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        var episode = new FailoverEpisode(
            new EpisodeId(1), new ServerId(3), new GroupId(1), FailoverOrigin.Automatic, FailoverPhase.Completed, new Epoch(2), null, [], [],
            OriginalRecording: false, RestoreProgress.NotStarted, null, FailoverResolution.Restored, new EpisodeNote(EpisodeNote.Codes.RestoreComplete), at, at);

        var row = new EpisodeRow { RecordingServerName = "x", Origin = "", Phase = "", FootageOnJson = "", FailedStandbysJson = "", Resolution = "", Note = "" };
        EpisodeRecords.Apply(row, episode);

        row.IsOpen.ShouldBeFalse();
        row.Phase.ShouldBe("Completed");
        EpisodeNote.Parse(row.Note).ShouldBe(episode.Note);
    }
}

using Vigil.Cms.Failover;

namespace Vigil.Cms.Tests.Failover;

public class EpisodeNotesTests
{
    private static readonly Dictionary<int, string> Names = new() { [4] = "standby-1", [1] = "rec-1" };

    [Fact]
    public void Server_ids_in_a_note_read_as_names() =>
        EpisodeNotes.Humanize("taking over: server 4 at epoch 7", Names).ShouldBe("taking over: standby-1 at epoch 7");

    [Fact]
    public void A_longer_id_is_not_mistaken_for_a_shorter_one_and_an_unknown_one_stays() =>
        EpisodeNotes.Humanize("server 41 failed; server 1 waits; server 9 is gone", Names).ShouldBe("server 41 failed; rec-1 waits; server 9 is gone");
}

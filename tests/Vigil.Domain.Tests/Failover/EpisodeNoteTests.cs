using System.Reflection;
using Vigil.Domain.Failover;
using Codes = Vigil.Domain.Failover.EpisodeNote.Codes;

namespace Vigil.Domain.Tests.Failover;

public class EpisodeNoteTests
{
    private static string NameOf(ServerId id) => $"cam-host-{id.Value}";

    private static IEnumerable<string> EveryCode() =>
        typeof(Codes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!);

    [Fact]
    public void A_note_names_its_server_by_the_name_given_when_rendered()
    {
        var note = new EpisodeNote(Codes.StandbyChosen, new ServerId(10), new Epoch(7));

        note.Render(NameOf).ShouldBe("taking over: cam-host-10 at epoch 7");
    }

    [Fact]
    public void Every_code_but_text_has_words_of_its_own()
    {
        foreach (var code in EveryCode().Where(c => c != Codes.Text))
        {
            new EpisodeNote(code, new ServerId(3), new Epoch(2), "why").Render(NameOf).ShouldNotBe(code);
        }
    }

    [Fact]
    public void Codes_are_distinct() => EveryCode().ShouldBeUnique();

    [Fact]
    public void Storage_is_compact_json_without_empty_fields() =>
        new EpisodeNote(Codes.StandbyChosen, new ServerId(10), new Epoch(7)).ToStorage()
            .ShouldBe("""{"code":"standby-chosen","server":10,"epoch":7}""");

    public static TheoryData<EpisodeNote> Notes() =>
    [
        new(Codes.RecordingServerFailed),
        new(Codes.StandbyChosen, new ServerId(10), new Epoch(7)),
        new(Codes.TakeoverFailed, new ServerId(11), Detail: "no \"empty\" space — ü"),
        new(Codes.FailbackWaits, Detail: "cam-2 is unreachable"),
        new(Codes.Text, Detail: "written before codes"),
    ];

    [Theory]
    [MemberData(nameof(Notes))]
    public void A_note_round_trips_through_storage(EpisodeNote note) => EpisodeNote.Parse(note.ToStorage()).ShouldBe(note);

    [Fact]
    public void Free_text_stored_before_notes_had_codes_is_read_as_a_text_note()
    {
        var note = EpisodeNote.Parse("taking over: server 10 at epoch 7");

        note.ShouldBe(new EpisodeNote(Codes.Text, Detail: "taking over: server 10 at epoch 7"));
        note.Render(NameOf).ShouldBe("taking over: server 10 at epoch 7");
    }

    [Fact]
    public void A_stored_note_without_a_code_is_rejected() =>
        Should.Throw<FormatException>(() => EpisodeNote.Parse("""{"server":10}"""));
}

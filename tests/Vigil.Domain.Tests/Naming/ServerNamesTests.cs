using Vigil.Domain.Naming;

namespace Vigil.Domain.Tests.Naming;

public class ServerNamesTests
{
    [Theory]
    [InlineData("rec-1")]
    [InlineData("A")]
    [InlineData("Lobby NVR 2")]
    [InlineData("DS920-3")]
    [InlineData("a-b-c")]
    [InlineData("Caméra entrée")]
    [InlineData("東京録画サーバー")]
    [InlineData("12345678901234567890123456789012")]
    [InlineData("name with.dot,comma")]
    public void Accepts_names_that_follow_every_rule(string name) =>
        ServerNames.Validate(name).IsAllowed.ShouldBeTrue();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Refuses_an_empty_name(string? name) =>
        ServerNames.Validate(name).Refusal!.Rule.ShouldBe(ServerNames.Rules.Empty);

    [Fact]
    public void Refuses_more_than_32_characters()
    {
        var refusal = ServerNames.Validate(new string('x', 33)).Refusal!;

        refusal.Rule.ShouldBe(ServerNames.Rules.TooLong);
        refusal.Message.ShouldContain("33");
    }

    [Fact]
    public void Counts_characters_as_a_person_sees_them_not_as_utf16_units()
    {
        // 32 emoji are 64 UTF-16 units and 32 characters; a flag is 2 code points and 1 character.
        var emoji = string.Concat(Enumerable.Repeat("📷", 32));
        var flags = string.Concat(Enumerable.Repeat("🇯🇵", 32));

        emoji.Length.ShouldBe(64);
        ServerNames.Validate(emoji).IsAllowed.ShouldBeTrue();
        ServerNames.Validate(flags).IsAllowed.ShouldBeTrue();
        ServerNames.Validate(emoji + "📷").Refusal!.Rule.ShouldBe(ServerNames.Rules.TooLong);
    }

    [Fact]
    public void Counts_a_letter_with_a_combining_accent_as_one_character()
    {
        var decomposed = string.Concat(Enumerable.Repeat("e\u0301", 32));

        ServerNames.LengthOf(decomposed).ShouldBe(32);
        ServerNames.Validate(decomposed).IsAllowed.ShouldBeTrue();
    }

    public static TheoryData<char> ForbiddenSymbols => [.. ServerNames.ForbiddenSymbols];

    [Theory]
    [MemberData(nameof(ForbiddenSymbols))]
    public void Refuses_every_excluded_symbol_anywhere_in_the_name(char symbol)
    {
        var refusal = ServerNames.Validate($"ab{symbol}c").Refusal!;

        refusal.Rule.ShouldBe(ServerNames.Rules.ForbiddenSymbol);
        refusal.Message.ShouldContain($"'{symbol}'");
        refusal.Message.ShouldContain("character 3");
    }

    [Fact]
    public void The_excluded_symbols_are_exactly_the_seeds_list_less_the_minus_sign() =>
        ServerNames.ForbiddenSymbols.ShouldBe("~`!@#$%^&*()_=+[{]}\\|;:'\"<>/?");

    [Fact]
    public void Allows_a_minus_sign_inside_and_at_the_end() =>
        ServerNames.Validate("rec-1-").IsAllowed.ShouldBeTrue();

    [Fact]
    public void Refuses_a_minus_sign_as_first_character() =>
        ServerNames.Validate("-rec").Refusal!.Rule.ShouldBe(ServerNames.Rules.LeadingMinus);

    [Theory]
    [InlineData(" rec")]
    [InlineData("\u00A0rec")]
    [InlineData(" ")]
    public void Refuses_a_space_as_first_character(string name) =>
        ServerNames.Validate(name).Refusal!.Rule.ShouldBe(ServerNames.Rules.LeadingSpace);

    [Fact]
    public void Refuses_a_space_as_last_character() =>
        ServerNames.Validate("rec ").Refusal!.Rule.ShouldBe(ServerNames.Rules.TrailingSpace);

    [Fact]
    public void Allows_spaces_inside() =>
        ServerNames.Validate("front  door").IsAllowed.ShouldBeTrue();

    [Theory]
    [InlineData("rec\t1")]
    [InlineData("rec\n1")]
    [InlineData("rec\u00071")]
    public void Refuses_control_characters(string name) =>
        ServerNames.Validate(name).Refusal!.Rule.ShouldBe(ServerNames.Rules.ControlCharacter);

    [Fact]
    public void Refuses_text_that_is_not_valid_unicode()
    {
        // Lone surrogates, as a JSON body can carry them; built here because test data serialization would mend them.
        ServerNames.Validate("rec" + '\uD800').Refusal!.Rule.ShouldBe(ServerNames.Rules.InvalidUnicode);
        ServerNames.Validate('\uDC00' + "rec").Refusal!.Rule.ShouldBe(ServerNames.Rules.InvalidUnicode);
    }

    [Fact]
    public void Refuses_a_name_another_server_has()
    {
        var refusal = ServerNames.Validate("rec-1", ["rec-1", "rec-2"]).Refusal!;

        refusal.Rule.ShouldBe(ServerNames.Rules.Duplicate);
        refusal.Message.ShouldContain("rec-1");
    }

    [Fact]
    public void Names_are_case_sensitive() =>
        ServerNames.Validate("REC-1", ["rec-1"]).IsAllowed.ShouldBeTrue();

    [Fact]
    public void Composed_and_decomposed_forms_of_one_name_are_the_same_name() =>
        ServerNames.Validate("Caf\u00E9", ["Cafe\u0301"]).Refusal!.Rule.ShouldBe(ServerNames.Rules.Duplicate);

    [Fact]
    public void Reports_the_form_problem_before_the_duplicate() =>
        ServerNames.Validate("-x", ["-x"]).Refusal!.Rule.ShouldBe(ServerNames.Rules.LeadingMinus);
}

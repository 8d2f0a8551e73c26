using Vigil.Domain.Naming;

namespace Vigil.Domain.Tests.Naming;

public class BatchNamingTests
{
    private static readonly BatchMember[] ThreeServers =
    [
        new("Lobby", "VS-1000"),
        new("Garage", "VS-1000"),
        new("Yard", "VS-2000"),
    ];

    [Fact]
    public void Default_rule_uses_each_agents_own_name()
    {
        var names = BatchNaming.Propose(NamingRule.Default, null, ThreeServers, []);

        names.AllValid.ShouldBeTrue();
        names.Names.Select(n => n.Name).ShouldBe(["Lobby", "Garage", "Yard"]);
    }

    [Fact]
    public void Default_rule_refuses_an_agent_name_already_in_use_or_repeated_in_the_batch()
    {
        BatchMember[] members = [new("Lobby", "m"), new("Lobby", "m"), new("Yard", "m")];

        var names = BatchNaming.Propose(NamingRule.Default, null, members, ["Yard"]);

        names.AllValid.ShouldBeFalse();
        names.Names[0].IsValid.ShouldBeTrue();
        names.Names[1].Refusal!.Rule.ShouldBe(ServerNames.Rules.Duplicate);
        names.Names[2].Refusal!.Rule.ShouldBe(ServerNames.Rules.Duplicate);
    }

    [Fact]
    public void Default_rule_refuses_an_agent_name_that_breaks_the_name_rules() =>
        BatchNaming.Propose(NamingRule.Default, null, [new("cam#1", "m")], []).FirstRefusal!.Rule
            .ShouldBe(ServerNames.Rules.ForbiddenSymbol);

    [Fact]
    public void Model_number_rule_numbers_each_model_from_its_next_free_number()
    {
        var names = BatchNaming.Propose(NamingRule.ModelNumber, null, ThreeServers, ["VS-1000-1", "VS-1000-3"]);

        names.Names.Select(n => n.Name).ShouldBe(["VS-1000-2", "VS-1000-4", "VS-2000-1"]);
        names.AllValid.ShouldBeTrue();
    }

    [Fact]
    public void Model_number_rule_drops_symbols_a_name_may_not_hold()
    {
        var names = BatchNaming.Propose(NamingRule.ModelNumber, null, [new("x", "DS920+"), new("y", "-(Pro)")], []);

        names.Names.Select(n => n.Name).ShouldBe(["DS920-1", "Pro-1"]);
        names.AllValid.ShouldBeTrue();
    }

    [Fact]
    public void Model_number_rule_uses_a_fallback_for_a_model_with_nothing_usable() =>
        BatchNaming.Propose(NamingRule.ModelNumber, null, [new("x", "+++")], []).Names[0].Name.ShouldBe("Server-1");

    [Fact]
    public void Model_number_rule_shortens_a_long_model_so_the_name_fits()
    {
        var name = BatchNaming.Propose(NamingRule.ModelNumber, null, [new("x", new string('M', 40))], []).Names[0];

        name.IsValid.ShouldBeTrue();
        ServerNames.LengthOf(name.Name).ShouldBeLessThanOrEqualTo(ServerNames.MaxLength);
        name.Name.ShouldEndWith("-1");
    }

    [Fact]
    public void Prefix_number_rule_numbers_from_the_next_free_number_skipping_used_ones()
    {
        var names = BatchNaming.Propose(NamingRule.PrefixNumber, "Site A", ThreeServers, ["Site A-2"]);

        names.Names.Select(n => n.Name).ShouldBe(["Site A-1", "Site A-3", "Site A-4"]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Prefix_number_rule_needs_a_prefix(string? prefix)
    {
        var names = BatchNaming.Propose(NamingRule.PrefixNumber, prefix, ThreeServers, []);

        names.Names.ShouldAllBe(n => n.Refusal!.Rule == BatchNaming.Rules.PrefixRequired);
    }

    [Theory]
    [InlineData("bad/prefix", "'/'")]
    [InlineData("-lead", "start with '-'")]
    [InlineData(" lead", "start with a space")]
    public void Prefix_that_would_make_an_invalid_name_refuses_every_name_in_the_batch(string prefix, string why)
    {
        var names = BatchNaming.Propose(NamingRule.PrefixNumber, prefix, ThreeServers, []);

        names.AllValid.ShouldBeFalse();
        names.Names.ShouldAllBe(n => n.Refusal!.Rule == BatchNaming.Rules.InvalidPrefix);
        names.FirstRefusal!.Message.ShouldContain(why);
    }

    [Fact]
    public void Prefix_too_long_for_its_numbers_refuses_the_batch()
    {
        var prefix = new string('p', 30); // "p…p-1" is 32 characters, "p…p-10" would be 33

        BatchNaming.Propose(NamingRule.PrefixNumber, prefix, ThreeServers, []).AllValid.ShouldBeTrue();
        var tenth = BatchNaming.Propose(NamingRule.PrefixNumber, prefix, ThreeServers,
            Enumerable.Range(1, 9).Select(n => $"{prefix}-{n}"));
        tenth.AllValid.ShouldBeFalse();
        tenth.FirstRefusal!.Rule.ShouldBe(BatchNaming.Rules.InvalidPrefix);
        BatchNaming.Propose(NamingRule.PrefixNumber, new string('p', 31), ThreeServers, []).FirstRefusal!.Rule
            .ShouldBe(BatchNaming.Rules.InvalidPrefix);
    }

    [Fact]
    public void Every_generated_name_passes_the_name_rules_and_is_unique()
    {
        var random = new Random(7);
        var alphabet = "aZ9 -+#é東📷_".ToCharArray();
        for (var trial = 0; trial < 200; trial++)
        {
            var members = Enumerable.Range(0, random.Next(1, 12))
                .Select(_ => new BatchMember("n", new string(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray())))
                .ToList();
            var used = Enumerable.Range(1, random.Next(0, 5)).Select(n => $"VS-{n}").ToList();

            var names = BatchNaming.Propose(NamingRule.ModelNumber, null, members, used);

            names.Names.ShouldAllBe(n => n.IsValid && ServerNames.Validate(n.Name).IsAllowed);
            names.Names.Select(n => n.Name).Concat(used).ShouldBeUnique();
        }
    }
}

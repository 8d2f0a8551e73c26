using Vigil.Hosting.Metrics;

namespace Vigil.Agent.Tests.Hosting.Metrics;

public sealed class ScrapeTokenTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-scrape-token-").FullName;

    [Fact]
    public void The_token_is_the_first_line_of_its_file_and_only_it_matches()
    {
        var token = ScrapeToken.FromFile(Write("0123456789abcdef0123\nanything after the first line\n"));

        token.IsConfigured.ShouldBeTrue();
        token.Matches("0123456789abcdef0123").ShouldBeTrue();
        token.Matches("0123456789abcdef012").ShouldBeFalse();
        token.Matches("anything after the first line").ShouldBeFalse();
        token.Matches(string.Empty).ShouldBeFalse();
    }

    [Fact]
    public void A_short_token_is_refused_with_how_to_make_one()
    {
        var refusal = Should.Throw<ArgumentException>(() => ScrapeToken.FromFile(Write("short\n")));

        refusal.Message.ShouldContain($"at least {ScrapeToken.MinimumLength} characters");
        refusal.Message.ShouldContain("openssl rand");
    }

    [Fact]
    public void A_missing_file_is_refused_and_named()
    {
        var missing = Path.Combine(_folder, "absent");

        Should.Throw<ArgumentException>(() => ScrapeToken.FromFile(missing)).Message.ShouldContain(missing);
    }

    [Fact]
    public void Without_a_file_no_token_matches()
    {
        ScrapeToken.FromFile(null).IsConfigured.ShouldBeFalse();
        ScrapeToken.None.Matches("0123456789abcdef0123").ShouldBeFalse();
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string text)
    {
        var file = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllText(file, text);
        return file;
    }
}

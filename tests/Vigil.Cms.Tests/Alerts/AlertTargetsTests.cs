using Vigil.Cms.Alerts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Tests.Alerts;

public sealed class AlertTargetsTests
{
    private static readonly EmailSettingsView Email = new(true, "smtp.example.com", 587, "starttls", null, null, "vigil@example.com", ["ops@example.com"], []);

    [Theory]
    [InlineData("https://hooks.example.com/T000/B000/secret")]
    [InlineData("http://127.0.0.1:9000/hook")]
    [InlineData("http://[::1]:9000/hook")]
    [InlineData("http://localhost/hook")]
    public void Https_or_loopback_webhooks_are_taken(string url) =>
        AlertTargets.CheckWebhook(new AddWebhookRequest(url)).ToString().ShouldBe(new Uri(url).ToString());

    [Theory]
    [InlineData("http://192.0.2.10/hook", "must be https")]
    [InlineData("ftp://example.com/hook", "not an http(s) URL")]
    [InlineData("https://user:pass@example.com/hook", "no user or password")]
    public void Other_webhooks_are_refused_with_why(string url, string why) =>
        Should.Throw<RefusedException>(() => AlertTargets.CheckWebhook(new AddWebhookRequest(url))).Message.ShouldContain(why);

    [Fact]
    public void A_short_secret_or_an_unknown_kind_is_refused()
    {
        Should.Throw<RefusedException>(() => AlertTargets.CheckWebhook(new AddWebhookRequest("https://example.com/h", Secret: "short"))).Rule
            .ShouldBe(AlertTargets.Rules.InvalidWebhook);
        Should.Throw<RefusedException>(() => AlertTargets.CheckWebhook(new AddWebhookRequest("https://example.com/h", ["failover.exploded"]))).Rule
            .ShouldBe(AlertTargets.Rules.UnknownKind);
    }

    [Fact]
    public void The_path_of_a_webhook_is_never_shown() =>
        AlertTargets.Display(new Uri("https://hooks.example.com:8443/T000/B000/secret?x=1")).ShouldBe("https://hooks.example.com:8443/…");

    [Fact]
    public void Email_goes_over_tls_unless_to_this_machine()
    {
        AlertTargets.CheckEmail(Email, hasStoredPassword: false);
        AlertTargets.CheckEmail(Email with { Host = "127.0.0.1", Security = "none" }, hasStoredPassword: false);
        Should.Throw<RefusedException>(() => AlertTargets.CheckEmail(Email with { Security = "none" }, hasStoredPassword: false))
            .Message.ShouldContain("loopback");
    }

    [Fact]
    public void Every_problem_of_the_email_settings_is_named_at_once()
    {
        var refusal = Should.Throw<RefusedException>(() => AlertTargets.CheckEmail(
            Email with { Port = 0, From = "not an address", To = [], User = "alerts" }, hasStoredPassword: false));

        refusal.Message.ShouldContain("Port 0");
        refusal.Message.ShouldContain("not an e-mail address");
        refusal.Message.ShouldContain("To needs");
        refusal.Message.ShouldContain("needs a password");
        AlertTargets.CheckEmail(Email with { User = "alerts" }, hasStoredPassword: true);
    }
}

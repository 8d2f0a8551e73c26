using Vigil.Cms.Alerts;

namespace Vigil.Cms.Tests.Alerts;

public sealed class WebhookSignatureTests
{
    private const string Secret = "0123456789abcdef0123456789abcdef";
    private const string Body = """{"version":1,"kind":"failover.started"}""";
    private static readonly DateTimeOffset At = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_signature_is_an_hmac_of_the_time_and_the_body_that_a_receiver_can_check()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);

        header.ShouldStartWith($"t={At.ToUnixTimeSeconds()},v1=");
        header.Length.ShouldBe($"t={At.ToUnixTimeSeconds()},v1=".Length + 64);
        WebhookSignature.Verify(Secret, header, Body, At.AddSeconds(30), TimeSpan.FromMinutes(5)).ShouldBeTrue();
    }

    [Fact]
    public void Another_secret_another_body_or_an_old_signature_do_not_pass()
    {
        var header = WebhookSignature.Sign(Secret, At, Body);

        WebhookSignature.Verify("fedcba9876543210fedcba9876543210", header, Body, At, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        WebhookSignature.Verify(Secret, header, Body.Replace("started", "completed", StringComparison.Ordinal), At, TimeSpan.FromMinutes(5)).ShouldBeFalse();
        WebhookSignature.Verify(Secret, header, Body, At.AddMinutes(6), TimeSpan.FromMinutes(5)).ShouldBeFalse("a replay later than the tolerance");
        WebhookSignature.Verify(Secret, header.Replace($"t={At.ToUnixTimeSeconds()}", $"t={At.AddMinutes(1).ToUnixTimeSeconds()}", StringComparison.Ordinal),
            Body, At.AddMinutes(1), TimeSpan.FromMinutes(5)).ShouldBeFalse("the time is signed too");
        WebhookSignature.Verify(Secret, "v1=abc", Body, At, TimeSpan.FromMinutes(5)).ShouldBeFalse();
    }
}

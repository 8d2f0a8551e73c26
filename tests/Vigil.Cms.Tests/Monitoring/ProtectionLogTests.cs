using Microsoft.Extensions.Logging.Testing;
using Vigil.Cms.Monitoring;

namespace Vigil.Cms.Tests.Monitoring;

public sealed class ProtectionLogTests
{
    [Fact]
    public void A_few_changes_are_logged_one_line_each()
    {
        var logger = new FakeLogger();

        ProtectionLog.Write(logger, [new("rec-1", false, "no ready standby"), new("rec-2", true, "standby-1 is ready")]);

        logger.Collector.GetSnapshot().Select(r => r.Message).ShouldBe(
            ["rec-1 is unprotected: no ready standby", "rec-2 is protected: standby-1 is ready"]);
    }

    [Fact]
    public void Many_changes_in_one_round_are_one_line_per_direction_with_the_count()
    {
        var logger = new FakeLogger();
        var changes = Enumerable.Range(1, 60).Select(i => new ProtectionChange($"rec-{i}", false, "the standby is acting"))
            .Concat(Enumerable.Range(61, 3).Select(i => new ProtectionChange($"rec-{i}", true, "standby-2 is ready")))
            .ToList();

        ProtectionLog.Write(logger, changes);

        logger.Collector.GetSnapshot().Select(r => r.Message).ShouldBe(
        [
            "60 recording servers are unprotected, each with its event in the event log; the first, rec-1: the standby is acting",
            "3 recording servers are protected, each with its event in the event log; the first, rec-61: standby-2 is ready",
        ]);
    }
}

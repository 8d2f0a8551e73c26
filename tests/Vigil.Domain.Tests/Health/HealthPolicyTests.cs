using Vigil.Domain.Health;

namespace Vigil.Domain.Tests.Health;

public class HealthPolicyTests
{
    [Fact]
    public void Defaults_are_three_misses_and_ten_seconds_of_stabilisation()
    {
        HealthPolicy.Default.MissesBeforeFailure.ShouldBe(3);
        HealthPolicy.Default.StabilisationPeriod.ShouldBe(TimeSpan.FromSeconds(10));
        HealthPolicy.Default.Conditions.ShouldBe(FailureConditions.All);
        HealthPolicy.Default.Validate().ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Refuses_a_miss_threshold_out_of_range(int misses) =>
        (HealthPolicy.Default with { MissesBeforeFailure = misses }).Validate().Single().Rule.ShouldBe("settings.probe-misses");

    [Fact]
    public void Refuses_a_negative_stabilisation_period() =>
        (HealthPolicy.Default with { StabilisationPeriod = TimeSpan.FromSeconds(-1) }).Validate().Single().Rule
            .ShouldBe("settings.stabilisation-period");

    [Fact]
    public void An_unreachable_server_always_counts_as_failed() =>
        (HealthPolicy.Default with { Conditions = FailureConditions.SpaceFailure }).Validate().Single().Rule
            .ShouldBe("settings.failure-conditions");

    [Fact]
    public void A_good_probe_is_never_a_miss() =>
        HealthPolicy.Default.IsMiss(ProbeOutcome.Ok).ShouldBeFalse();
}

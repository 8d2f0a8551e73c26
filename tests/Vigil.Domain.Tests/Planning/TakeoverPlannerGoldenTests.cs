using Vigil.Domain.Planning;

namespace Vigil.Domain.Tests.Planning;

/// <summary>Input state and expected plan, in <see cref="PlanNotation"/>.</summary>
public class TakeoverPlannerGoldenTests
{
    [Theory]
    // One server, one standby: the basics of eligibility.
    [InlineData("R1 | S10", "1>10")]
    [InlineData("R1 |", "1!")]
    [InlineData("R1 | S10x", "1!")]
    [InlineData("R1 | S10u", "1!")]
    [InlineData("R1c16 | S10c8", "1!")]
    [InlineData("R1c16 | S10c16", "1>10")]
    [InlineData("R1c0 | S10c0", "1>10")]
    [InlineData("R1n50 | S10f40", "1!")]
    [InlineData("R1n50 | S10f50", "1>10")]
    [InlineData("R1 | S10g2", "1!")]
    // Which standby: the group's priority order, then best fit, then id.
    [InlineData("R1 | S10p2 S11p1", "1>11")]
    [InlineData("R1c8 | S10c32 S11c8 S12c16", "1>11")]
    [InlineData("R1 | S10f500 S11f50 S12f100", "1>11")]
    [InlineData("R1c8 | S10p1c8 S11p0c32", "1>11")]
    [InlineData("R1 | S11 S10", "1>10")]
    [InlineData("R1c16n10 | S10c16f5 S11c16f20", "1>11")]
    [InlineData("R1 | S10x S11u S12", "1>12")]
    // Several failures: never one standby for two servers, priority order decides.
    [InlineData("R1 R2 | S10", "1>10 2!")]
    [InlineData("R1 R2 R3 | S10", "1>10 2! 3!")]
    [InlineData("R1p2 R2p1 | S10", "2>10 1!")]
    [InlineData("R1 R2 | S10 S11", "1>10 2>11")]
    [InlineData("R1p3 R2p1 R3p2 | S10 S11", "2>10 3>11 1!")]
    [InlineData("R1p0c16 R2p1c8 | S10c16", "1>10 2!")]
    [InlineData("R1p0c32 R2p1c8 | S10c16", "2>10 1!")]
    [InlineData("R1 R2 | S10x S11x", "1! 2!")]
    [InlineData("R1 R2 R3 | S10 S11x S12u", "1>10 2! 3!")]
    // As many protected as possible: a chosen standby moves to another to free one for a larger server.
    [InlineData("R1c8 R2c16 | S10p0c16 S11p1c8", "1>11 2>10")]
    [InlineData("R1c8 R2c16 | S10c16 S11c8", "1>11 2>10")]
    [InlineData("R1p0c8 R2p1c16 R3p2c32 | S10p0c32 S11p1c16 S12p2c8", "1>12 2>11 3>10")]
    [InlineData("R1p0c8 R2p1c8 R3p2c16 | S10p0c16 S11p1c8", "1>10 2>11 3!")]
    [InlineData("R1p0n10 R2p1n50 | S10p0f60 S11p1f20", "1>11 2>10")]
    // Groups are independent.
    [InlineData("R1g1 R2g2 | S10g1 S11g2", "1>10 2>11")]
    [InlineData("R1g1 R2g1 | S10g1 S11g2", "1>10 2!")]
    [InlineData("R1g2 R2g1 | S10g1 S11g2", "2>10 1>11")]
    [InlineData("| S10", "")]
    public void Plans_the_expected_takeovers(string state, string expected)
    {
        var (failed, standbys) = PlanNotation.Parse(state);

        var plan = TakeoverPlanner.Plan(failed, standbys);

        PlanNotation.Format(plan).ShouldBe(expected);
    }

    [Theory]
    [InlineData("R1 |", "no ready standby in the group")]
    [InlineData("R1 | S10x S11u", "no ready standby in the group")]
    [InlineData("R1 | S10g2", "no ready standby in the group")]
    [InlineData("R1c16 | S10c8 S11c12", "no ready standby with ≥ 16 license channels")]
    [InlineData("R1c16n50 | S10c16f40", "no ready standby with ≥ 16 license channels and ≥ 50 GB free")]
    [InlineData("R1 R2 | S10", TakeoverPlanner.AllTakenReason)]
    public void Says_why_a_server_stays_unprotected(string state, string reason)
    {
        var (failed, standbys) = PlanNotation.Parse(state);

        var plan = TakeoverPlanner.Plan(failed, standbys);

        plan.Unprotected[^1].Reason.ShouldBe(reason);
    }

    [Fact]
    public void Finds_the_standby_chosen_for_a_server()
    {
        var (failed, standbys) = PlanNotation.Parse("R1 R2 | S10");

        var plan = TakeoverPlanner.Plan(failed, standbys);

        plan.StandbyFor(new ServerId(1)).ShouldBe(new ServerId(10));
        plan.StandbyFor(new ServerId(2)).ShouldBeNull();
    }
}

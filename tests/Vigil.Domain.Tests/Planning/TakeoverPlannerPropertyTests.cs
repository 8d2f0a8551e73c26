using Vigil.Domain.Planning;

namespace Vigil.Domain.Tests.Planning;

/// <summary>Randomized checks of the planner's invariants, against a brute-force reference on small inputs.</summary>
public class TakeoverPlannerPropertyTests
{
    private const int Trials = 1500;

    public static TheoryData<int> Seeds => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Holds_every_invariant_on_random_inputs(int seed)
    {
        var random = new Random(seed);
        for (var trial = 0; trial < Trials; trial++)
        {
            var (failed, standbys) = RandomState(random);

            var plan = TakeoverPlanner.Plan(failed, standbys);

            var context = $"seed {seed} trial {trial}: {Describe(failed, standbys)} => {PlanNotation.Format(plan)}";
            EveryFailedServerIsAnsweredOnce(plan, failed, context);
            NoStandbyIsAssignedTwice(plan, context);
            EveryAssignmentFits(plan, failed, standbys, context);
            NoSuitableStandbyIsLeftIdle(plan, failed, standbys, context);
            ProtectsTheMostServersInPriorityOrder(plan, failed, standbys, context);
        }
    }

    [Fact]
    public void Is_deterministic_whatever_the_input_order()
    {
        var random = new Random(42);
        for (var trial = 0; trial < 300; trial++)
        {
            var (failed, standbys) = RandomState(random);
            var shuffledFailed = failed.OrderBy(_ => random.Next()).ToList();
            var shuffledStandbys = standbys.OrderBy(_ => random.Next()).ToList();

            PlanNotation.Format(TakeoverPlanner.Plan(shuffledFailed, shuffledStandbys))
                .ShouldBe(PlanNotation.Format(TakeoverPlanner.Plan(failed, standbys)));
        }
    }

    private static (List<FailedServer>, List<StandbyCandidate>) RandomState(Random random)
    {
        int[] channels = [0, 4, 8, 16, 32];
        var groups = random.Next(1, 3);
        var failed = Enumerable.Range(1, random.Next(0, 7))
            .Select(i => new FailedServer(new ServerId(i), new GroupId(random.Next(1, groups + 1)), random.Next(0, 3),
                channels[random.Next(channels.Length)], random.Next(0, 4) * 10L))
            .ToList();
        var standbys = Enumerable.Range(100, random.Next(0, 7))
            .Select(i => new StandbyCandidate(new ServerId(i), new GroupId(random.Next(1, groups + 1)), random.Next(0, 3),
                random.Next(6) > 0, random.Next(6) > 0, channels[random.Next(channels.Length)], random.Next(0, 4) * 10L))
            .ToList();
        return (failed, standbys);
    }

    private static void EveryFailedServerIsAnsweredOnce(TakeoverPlan plan, List<FailedServer> failed, string context)
    {
        var answered = plan.Assignments.Select(a => a.RecordingServer).Concat(plan.Unprotected.Select(u => u.RecordingServer)).ToList();
        answered.OrderBy(s => s.Value).ShouldBe(failed.Select(f => f.Id).OrderBy(s => s.Value), context);
    }

    private static void NoStandbyIsAssignedTwice(TakeoverPlan plan, string context) =>
        plan.Assignments.Select(a => a.Standby).ShouldBeUnique(context);

    private static void EveryAssignmentFits(TakeoverPlan plan, List<FailedServer> failed, List<StandbyCandidate> standbys, string context)
    {
        foreach (var assignment in plan.Assignments)
        {
            var server = failed.Single(f => f.Id == assignment.RecordingServer);
            var standby = standbys.Single(s => s.Id == assignment.Standby);
            standby.CanProtect(server).ShouldBeTrue(context);
        }
    }

    private static void NoSuitableStandbyIsLeftIdle(TakeoverPlan plan, List<FailedServer> failed, List<StandbyCandidate> standbys, string context)
    {
        var busy = plan.Assignments.Select(a => a.Standby).ToHashSet();
        foreach (var unprotected in plan.Unprotected)
        {
            var server = failed.Single(f => f.Id == unprotected.RecordingServer);
            standbys.Where(s => !busy.Contains(s.Id)).ShouldNotContain(s => s.CanProtect(server), context);
        }
    }

    /// <summary>
    /// The reference: take servers in priority order and keep each one if the kept set can still all be
    /// protected at once (checked by brute force). The planner must protect exactly that set.
    /// </summary>
    private static void ProtectsTheMostServersInPriorityOrder(
        TakeoverPlan plan, List<FailedServer> failed, List<StandbyCandidate> standbys, string context)
    {
        var expected = new List<FailedServer>();
        foreach (var server in failed.OrderBy(f => f.Group.Value).ThenBy(f => f.Priority).ThenBy(f => f.Id.Value))
        {
            if (CanAllBeProtected([.. expected, server], standbys, new HashSet<ServerId>()))
            {
                expected.Add(server);
            }
        }

        plan.Assignments.Select(a => a.RecordingServer.Value).Order()
            .ShouldBe(expected.Select(e => e.Id.Value).Order(), context);
    }

    private static bool CanAllBeProtected(List<FailedServer> servers, List<StandbyCandidate> standbys, HashSet<ServerId> used)
    {
        if (servers.Count == 0)
        {
            return true;
        }

        var first = servers[0];
        foreach (var standby in standbys.Where(s => !used.Contains(s.Id) && s.CanProtect(first)))
        {
            used.Add(standby.Id);
            var ok = CanAllBeProtected(servers[1..], standbys, used);
            used.Remove(standby.Id);
            if (ok)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(List<FailedServer> failed, List<StandbyCandidate> standbys) =>
        string.Join(' ', failed.Select(f => $"R{f.Id.Value}p{f.Priority}c{f.LicenseChannels}g{f.Group.Value}n{f.RequiredFreeBytes}"))
        + " | "
        + string.Join(' ', standbys.Select(s =>
            $"S{s.Id.Value}p{s.Priority}c{s.LicenseChannels}g{s.Group.Value}f{s.FreeBytes}{(s.Enabled ? "" : "x")}{(s.Ready ? "" : "u")}"));
}

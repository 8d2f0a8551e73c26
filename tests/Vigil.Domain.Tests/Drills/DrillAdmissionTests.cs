using Vigil.Domain.Drills;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests.Drills;

public class DrillAdmissionTests
{
    private static DrillCandidate Candidate(
        string status = "normal_protected", bool openFailover = false, bool running = false, int ready = 1, int others = 0) =>
        new(Servers.Recording(1), status, openFailover, running, ready, others);

    [Fact]
    public void A_protected_server_alone_with_one_ready_standby_may_be_drilled() =>
        DrillAdmission.Decide(Candidate()).IsAllowed.ShouldBeTrue();

    [Fact]
    public void Never_while_the_group_has_a_failover_open() =>
        DrillAdmission.Decide(Candidate(openFailover: true)).Refusal!.Rule.ShouldBe(DrillAdmission.Rules.FailoverOpen);

    [Fact]
    public void A_second_drill_in_the_group_is_refused() =>
        DrillAdmission.Decide(Candidate(running: true)).Refusal!.Rule.ShouldBe(DrillAdmission.Rules.AlreadyRunning);

    [Theory]
    [InlineData("normal_unprotected")]
    [InlineData("abnormal_protected")]
    [InlineData("disabled")]
    public void Only_a_normal_protected_server(string status) =>
        DrillAdmission.Decide(Candidate(status)).Refusal!.Rule.ShouldBe(DrillAdmission.Rules.NotProtected);

    [Fact]
    public void With_other_recording_servers_one_ready_standby_is_not_enough()
    {
        var refusal = DrillAdmission.Decide(Candidate(ready: 1, others: 1)).Refusal!;

        refusal.Rule.ShouldBe(DrillAdmission.Rules.WouldLeaveUnprotected);
        refusal.Message.ShouldContain("needs 2 ready standbys, the group has 1");
        DrillAdmission.Decide(Candidate(ready: 2, others: 3)).IsAllowed.ShouldBeTrue();
    }

    [Fact]
    public void A_standby_is_not_drilled() =>
        DrillAdmission.Decide(Candidate() with { Server = Servers.Standby(2) }).Refusal!.Rule.ShouldBe(DrillAdmission.Rules.NotRecordingServer);

    [Fact]
    public void A_server_outside_every_group_is_not_drilled() =>
        DrillAdmission.Decide(Candidate() with { Server = Servers.Recording(1) with { Group = null } }).Refusal!.Rule
            .ShouldBe(DrillAdmission.Rules.NotInGroup);
}

using Vigil.Domain.Failover;
using Vigil.Domain.Health;
using Vigil.Domain.Inventory;
using Vigil.Domain.Status;
using Vigil.Domain.Tests.Failover;
using Vigil.Domain.Tests.Support;

namespace Vigil.Domain.Tests.Status;

public class StatusDerivationTests
{
    private static readonly ServerId Rec = EpisodeDriver.Original;
    private static readonly ServerId Sb = EpisodeDriver.StandbyA;
    private readonly EpisodeDriver _episodes = new();
    private readonly StatusDerivation _derivation = new(Servers.CmsVersion, FailoverSettings.Default);

    private readonly Dictionary<ServerId, ServerHealth> _health = [];

    private IReadOnlyDictionary<ServerId, ServerStatus> Derive(
        IEnumerable<ManagedServer> servers, FailoverEpisode? episode = null, FailoverGroup? group = null) =>
        _derivation.Derive(new GroupSnapshot(group ?? Servers.Group1, servers.ToList(), _health, episode is null ? [] : [episode]));

    private void Fail(ServerId id, string problem = "connection refused") => _health[id] = new ServerHealth(HealthState.Failed, problem);

    [Fact]
    public void A_recording_server_with_a_ready_standby_is_normal_protected()
    {
        var statuses = Derive([Servers.Recording(1), Servers.Standby(10)]);

        statuses[Rec].Code.ShouldBe("normal_protected");
        statuses[Rec].Label.ShouldBe("Normal, protected");
        statuses[Rec].Detail.ShouldBe("protected by 1 ready standby(s)");
        statuses[Sb].Code.ShouldBe("normal_ready");
        statuses[Sb].Label.ShouldBe("Normal, protection ready");
    }

    [Fact]
    public void Without_a_standby_a_recording_server_is_normal_unprotected_and_says_why()
    {
        var status = Derive([Servers.Recording(1)])[Rec];

        status.Code.ShouldBe("normal_unprotected");
        status.Detail.ShouldBe("unprotected: no ready standby in the group");
    }

    [Fact]
    public void A_standby_with_too_few_license_channels_leaves_the_larger_server_unprotected_but_protects_smaller_ones()
    {
        var statuses = Derive([Servers.Recording(1, licenseChannels: 16), Servers.Recording(2, licenseChannels: 8), Servers.Standby(10, licenseChannels: 8)]);

        statuses[Rec].Code.ShouldBe("normal_unprotected");
        statuses[Rec].Detail.ShouldBe("unprotected: no ready standby with ≥ 16 license channels");
        statuses[new ServerId(2)].Code.ShouldBe("normal_protected");
        statuses[Sb].Code.ShouldBe("normal_ready");
        statuses[Sb].Detail.ShouldContain("except rec-1");
    }

    [Fact]
    public void Protection_off_leaves_every_recording_server_unprotected()
    {
        var status = Derive([Servers.Recording(1), Servers.Standby(10)], group: Servers.Group1 with { ProtectionEnabled = false })[Rec];

        status.Code.ShouldBe("normal_unprotected");
        status.Detail.ShouldContain("protection is off");
    }

    [Fact]
    public void A_server_in_no_group_is_unprotected_and_a_standby_in_no_group_cannot_take_over()
    {
        var statuses = _derivation.Derive(new GroupSnapshot(null,
            [Servers.Recording(1) with { Group = null }, Servers.Standby(10) with { Group = null }], _health, []));

        statuses[Rec].Code.ShouldBe("normal_unprotected");
        statuses[Sb].Code.ShouldBe("warning");
        statuses[Sb].Detail.ShouldContain("not in a failover group");
    }

    [Fact]
    public void Disabled_servers_are_disabled_whatever_else_is_true()
    {
        Fail(Rec);
        Fail(Sb);

        var statuses = Derive([Servers.Recording(1, enabled: false), Servers.Standby(10, enabled: false)]);

        statuses[Rec].Code.ShouldBe("disabled");
        statuses[Sb].Code.ShouldBe("disabled");
    }

    [Fact]
    public void A_disabled_standby_protects_nobody() =>
        Derive([Servers.Recording(1), Servers.Standby(10, enabled: false)])[Rec].Code.ShouldBe("normal_unprotected");

    [Fact]
    public void A_failed_recording_server_taken_over_by_a_standby_is_abnormal_protected()
    {
        Fail(Rec);

        var statuses = Derive([Servers.Recording(1), Servers.Standby(10)], _episodes.Active());

        statuses[Rec].Code.ShouldBe("abnormal_protected");
        statuses[Rec].Detail.ShouldStartWith("recorded by sb-10 since ");
        statuses[Sb].Code.ShouldBe("normal_protecting");
        statuses[Sb].Detail.ShouldStartWith("protecting rec-1 since ");
    }

    [Fact]
    public void A_server_stays_abnormal_protected_while_taking_over_and_until_it_records_again_in_failback()
    {
        var servers = new[] { Servers.Recording(1), Servers.Standby(10) };

        Derive(servers, _episodes.TakingOver())[Rec].Detail.ShouldBe("sb-10 is taking over");
        Derive(servers, _episodes.FailingBack())[Rec].Code.ShouldBe("abnormal_protected");
        Derive(servers, _episodes.FailingBackOriginalRecording())[Rec].Code.ShouldNotStartWith("abnormal");
    }

    [Fact]
    public void A_failed_recording_server_with_no_standby_is_abnormal_unprotected_and_says_why()
    {
        Fail(Rec, "connection refused");

        var status = Derive([Servers.Recording(1), Servers.Standby(10, enabled: false)], _episodes.Assigning())[Rec];

        status.Code.ShouldBe("abnormal_unprotected");
        status.Detail.ShouldContain("connection refused");
        status.Detail.ShouldContain("no ready standby in the group");
    }

    [Fact]
    public void Two_failures_and_one_standby_leave_the_second_abnormal_unprotected()
    {
        Fail(Rec);
        Fail(new ServerId(2));

        var statuses = Derive([Servers.Recording(1), Servers.Recording(2, priority: 1), Servers.Standby(10)], _episodes.Active());

        statuses[Rec].Code.ShouldBe("abnormal_protected");
        statuses[new ServerId(2)].Code.ShouldBe("abnormal_unprotected");
    }

    [Fact]
    public void While_restoring_the_original_is_normal_and_the_standby_is_still_protecting_with_progress()
    {
        var restoring = _episodes.Accept(_episodes.Restoring(), new RestoreProgressed(new RestoreProgress(45, 100, 9, 20)));

        var statuses = Derive([Servers.Recording(1), Servers.Standby(10)], restoring);

        statuses[Rec].Code.ShouldBe("normal_unprotected");
        statuses[Rec].Detail.ShouldContain("restoring recordings to rec-1: 45%");
        statuses[Sb].Code.ShouldBe("normal_protecting");
        statuses[Sb].Detail.ShouldBe("restoring recordings to rec-1: 45% (9/20 files)");
    }

    [Fact]
    public void A_second_ready_standby_keeps_the_group_protected_while_one_is_protecting()
    {
        var statuses = Derive([Servers.Recording(1), Servers.Recording(2), Servers.Standby(10), Servers.Standby(11)], _episodes.Active());

        statuses[new ServerId(2)].Code.ShouldBe("normal_protected");
        statuses[new ServerId(11)].Code.ShouldBe("normal_ready");
    }

    [Fact]
    public void A_standby_whose_takeover_failed_is_abnormal_protection_failed_until_cleared()
    {
        var failed = Servers.Standby(10) with { ProtectionFailure = new ProtectionFailure(Rec, "recording space not writable", _episodes.Clock.GetUtcNow()) };

        var statuses = Derive([Servers.Recording(1), failed]);

        statuses[Sb].Code.ShouldBe("abnormal_protection_failed");
        statuses[Sb].Detail.ShouldContain("failed to take over rec-1");
        statuses[Sb].Detail.ShouldContain("recording space not writable");
        statuses[Rec].Code.ShouldBe("normal_unprotected");
    }

    [Fact]
    public void A_failed_standby_is_abnormal()
    {
        Fail(Sb, "no answer within the probe timeout");

        var status = Derive([Servers.Standby(10)])[Sb];

        status.Code.ShouldBe("abnormal");
        status.Detail.ShouldContain("no answer within the probe timeout");
    }

    [Theory]
    [InlineData(HealthState.Suspect)]
    [InlineData(HealthState.Recovering)]
    [InlineData(HealthState.Recovered)]
    public void A_standby_that_is_not_failed_counts_as_functional(HealthState state)
    {
        _health[Sb] = new ServerHealth(state);

        Derive([Servers.Standby(10)])[Sb].Code.ShouldBe("normal_ready");
    }

    [Fact]
    public void A_standby_without_an_empty_recording_space_is_warning()
    {
        var status = Derive([Servers.Standby(10, report: Servers.Report(emptySpace: false))])[Sb];

        status.Code.ShouldBe("warning");
        status.Detail.ShouldContain("empty recording space");
    }

    [Fact]
    public void A_standby_that_gains_cameras_or_has_an_old_agent_is_warning()
    {
        Derive([Servers.Standby(10, report: Servers.Report(cameras: 1))])[Sb].Code.ShouldBe("warning");
        Derive([Servers.Standby(10, report: Servers.Report(version: new Version(1, 0)))])[Sb].Detail.ShouldContain("update the agent");
    }

    [Fact]
    public void A_recording_server_whose_agent_must_be_updated_is_unprotected_and_says_so()
    {
        var old = Servers.Recording(1) with { Report = Servers.Report(cameras: 4, emptySpace: false, version: new Version(1, 1, 5)) };

        var status = Derive([old, Servers.Standby(10)])[Rec];

        status.Code.ShouldBe("normal_unprotected");
        status.Detail.ShouldContain("update the agent to 1.2.x");
    }

    [Fact]
    public void A_standby_with_too_little_free_space_is_warning()
    {
        var status = Derive([Servers.Standby(10, report: Servers.Report(freeBytes: 500_000_000))])[Sb];

        status.Code.ShouldBe("warning");
        status.Detail.ShouldContain("500 MB free");
    }

    [Fact]
    public void A_recording_server_that_missed_some_probes_is_still_normal()
    {
        _health[Rec] = new ServerHealth(HealthState.Suspect, "timeout");

        Derive([Servers.Recording(1), Servers.Standby(10)])[Rec].Code.ShouldBe("normal_protected");
    }

    [Fact]
    public void Every_status_string_is_one_of_the_specs()
    {
        string[] recording = ["normal_protected", "normal_unprotected", "abnormal_protected", "abnormal_unprotected", "disabled"];
        string[] standby = ["normal_ready", "normal_protecting", "warning", "abnormal", "abnormal_protection_failed", "disabled"];

        Enum.GetValues<RecordingStatus>().Select(s => ServerStatus.Of(s, "").Code).ShouldBe(recording);
        Enum.GetValues<StandbyStatus>().Select(s => ServerStatus.Of(s, "").Code).ShouldBe(standby);
    }

    [Fact]
    public void Ready_standbys_are_typed_candidates_of_exactly_the_normal_ready_standbys()
    {
        Fail(new ServerId(12));
        var servers = new[]
        {
            Servers.Recording(1), Servers.Standby(10, priority: 2), Servers.Standby(11, enabled: false), Servers.Standby(12),
            Servers.Standby(13, report: Servers.Report(freeBytes: 500_000_000)), Servers.Standby(14, priority: 1, licenseChannels: 32),
        };
        var snapshot = new GroupSnapshot(Servers.Group1, servers, _health, []);

        var ready = _derivation.ReadyStandbys(snapshot);

        ready.Select(c => c.Id.Value).ShouldBe([10, 14]);
        ready.ShouldAllBe(c => c.Ready && c.Enabled && c.Group == Servers.Group1.Id);
        ready.Single(c => c.Id.Value == 14).ShouldBe(StatusDerivation.ToCandidate(servers[5], ready: true));
        var derived = _derivation.Derive(snapshot);
        ready.Select(c => c.Id).ShouldBe(servers.Where(s => derived[s.Id].Code == "normal_ready").Select(s => s.Id));
    }

    [Fact]
    public void A_standby_protecting_another_server_is_not_ready() =>
        _derivation.ReadyStandbys(new GroupSnapshot(Servers.Group1, [Servers.Recording(1), Servers.Standby(10)], _health, [_episodes.Active()]))
            .ShouldBeEmpty();

    [Fact]
    public void A_failed_server_with_automatic_failover_off_says_it_waits_for_the_operator()
    {
        Fail(Rec);
        var manual = new StatusDerivation(Servers.CmsVersion, FailoverSettings.Default with { AutomaticFailover = false });

        var status = manual.Derive(new GroupSnapshot(Servers.Group1, [Servers.Recording(1), Servers.Standby(10)], _health, []))[Rec];

        status.Code.ShouldBe("abnormal_unprotected");
        status.Detail.ShouldBe("failed (connection refused); not taken over: automatic failover is off; fail it over by hand");
        Derive([Servers.Recording(1), Servers.Standby(10)])[Rec].Detail.ShouldBe("failed (connection refused); not taken over: waiting for a standby");
    }

    [Fact]
    public void An_episode_note_in_a_detail_names_servers_by_their_names_in_the_snapshot()
    {
        Fail(Rec);
        var assigning = _episodes.Accept(_episodes.TakingOver(), new TakeoverFailed("timed out"));

        var status = Derive([Servers.Recording(1), Servers.Standby(10)], assigning)[Rec];

        status.Detail.ShouldBe("failed (connection refused); not taken over: takeover by sb-10 failed: timed out");
    }

    [Fact]
    public void Failing_back_to_a_lost_standbys_footage_is_not_protected_by_a_standby()
    {
        var failingBack = _episodes.Accept(_episodes.AssigningWithFootage(), new OriginalRecovered());

        Derive([Servers.Recording(1), Servers.Standby(10)], failingBack)[Rec].Code.ShouldNotBe("abnormal_protected");
    }
}

using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Testing;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Cms.Tests.Simulation;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Tests.Failover;

/// <summary>
/// The sequences that used to lose or orphan outage footage, each replayed against the real failover engine in
/// process (simulated agents, real SQLite, a fake clock), with every simulation invariant checked after each tick.
/// </summary>
public sealed class FootageSafetyTests : IAsyncLifetime
{
    private SimSite _site = null!;
    private SimInvariants _invariants = null!;

    public async Task InitializeAsync()
    {
        _site = await SimSite.StartAsync();
        _invariants = new SimInvariants(_site);
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task A_failed_standbys_footage_survives_disable_enable_rename_and_delete_and_is_restored()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        var a = await _site.AddServerAsync("sb-a", standby: true, _site.DefaultGroup);
        var b = await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active } e && e.Standby == IdOf(a), "sb-a to take over");
        await TicksAsync(3);

        // sb-a stops answering (it is lost, with some of the outage on it): sb-b takes over; sb-a comes back and is released.
        a.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active } e && e.Standby == IdOf(b), "sb-b to take over");
        Episode()!.FailedStandbys.ShouldBe([IdOf(a)]);
        a.Down = false;
        await TicksAsync(2);
        a.Takeovers.ShouldBeEmpty("sb-a is told to release once it answers");
        var key = Episode()!.FootageKey;
        var held = a.Files.Where(f => f.Owner == key).ToList();
        held.ShouldNotBeEmpty("sb-a recorded some of the outage");

        var id = IdOf(a).Value;
        (await _site.OperateAsync<ServerService>(s => s.SetEnabledAsync(id, false, confirmed: false, _site.Operator, default))).ShouldBe("done");
        (await _site.OperateAsync<ServerService>(s => s.SetEnabledAsync(id, true, confirmed: false, _site.Operator, default))).ShouldBe("done");
        (await _site.OperateAsync<ServerService>(s => s.EditAsync(id, new EditServerRequest(Name: "sb-a2"), confirmed: false, _site.Operator, default))).ShouldBe("done");
        (await _site.OperateAsync<ServerService>(s => s.DeleteAsync(id, _site.Operator, confirmed: true, default))).ShouldBe("refused (server.holds-outage-footage)");
        Episode().ShouldNotBeNull().Phase.ShouldBe(FailoverPhase.Active);
        Episode()!.Standby.ShouldBe(IdOf(b));
        a.Files.Count(f => f.Owner == key).ShouldBe(held.Count);

        rec.Down = false;
        await TickUntilAsync(() => Episode() is null, "failback, restore and cleanup");
        ShouldBeHome(rec, held);
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_acting_standby_dying_with_no_spare_keeps_its_footage_until_it_answers_then_restores_it()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 2);
        var b = await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "sb-b to take over");
        await TicksAsync(3);
        b.Down = true;
        await TicksAsync(5);
        rec.Down = false;
        await TicksAsync(30);
        Episode().ShouldNotBeNull("the episode waits for the footage on the dead standby").Phase.ShouldBe(FailoverPhase.Restoring);

        var key = Episode()!.FootageKey;
        var held = b.Files.Where(f => f.Owner == key).ToList();
        b.Down = false;
        await TickUntilAsync(() => Episode() is null, "the standby to be released and its footage restored");
        b.Takeovers.ShouldBeEmpty();
        ShouldBeHome(rec, held);
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_restore_that_fails_again_and_again_says_why_and_goes_on_once_the_cause_is_gone()
    {
        var (rec, b, key) = await TakenOverAsync();
        var damaged = b.Files.First(f => f.Owner == key);
        damaged.Content[0] ^= 0xFF; // the standby's copy no longer matches its catalogued checksum

        rec.Down = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Restoring, Note.Code: EpisodeNote.Codes.RestoreWaits }, "the restore to say it waits");
        Episode()!.Note.Detail.ShouldNotBeNull().ShouldContain("restore.checksum-mismatch");
        await TicksAsync(10);
        Episode().ShouldNotBeNull("nothing is lost by waiting: the episode stays open").Phase.ShouldBe(FailoverPhase.Restoring);

        damaged.Content[0] ^= 0xFF;
        var held = b.Files.Where(f => f.Owner == key).ToList();
        await TickUntilAsync(() => Episode() is null, "the restore to go on and end");
        ShouldBeHome(rec, held);
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_standby_that_stops_answering_during_the_restore_is_named_in_its_note_and_the_restore_ends_once_it_answers()
    {
        var (rec, b, key) = await TakenOverAsync();
        var damaged = b.Files.First(f => f.Owner == key);
        damaged.Content[0] ^= 0xFF; // holds the restore open until the standby is gone
        rec.Down = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Restoring, Note.Code: EpisodeNote.Codes.RestoreWaits }, "the restore to say it waits");

        b.Down = true;
        await TickUntilAsync(() => Episode()?.Note.Detail?.Contains("sb-b is down", StringComparison.Ordinal) == true, "the note to name the standby that does not answer");
        Episode()!.Note.Detail.ShouldNotBeNull().ShouldContain("has not let go");
        await TicksAsync(5);
        Episode().ShouldNotBeNull("nothing is lost by waiting: the episode stays open").Phase.ShouldBe(FailoverPhase.Restoring);

        b.Down = false;
        damaged.Content[0] ^= 0xFF;
        var held = b.Files.Where(f => f.Owner == key).ToList();
        await TickUntilAsync(() => Episode() is null, "the restore to go on and end");
        ShouldBeHome(rec, held);
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_manual_failback_with_no_standby_holding_the_takeover_restores_the_footage_that_exists()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        var b = await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        var recId = _site.ById.Single(s => s.Value == rec).Key;
        (await _site.OperateAsync<FailoverCommands>(c => c.FailOverNowAsync(recId, _site.Operator, default))).ShouldBe("done");
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "sb-b to take over");
        await TicksAsync(3);
        b.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Assigning }, "the standby to be lost");
        var key = Episode()!.FootageKey;
        var held = b.Files.Where(f => f.Owner == key).ToList();

        (await _site.OperateAsync<FailoverCommands>(c => c.FailBackAsync(recId, _site.Operator, default))).ShouldBe("done");
        await TicksAsync(10);
        Episode().ShouldNotBeNull("footage on the lost standby is never dropped");
        b.Down = false;
        await TickUntilAsync(() => Episode() is null, "the footage to come home");
        ShouldBeHome(rec, held);
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Failback_waits_while_a_camera_is_recorded_only_by_the_standby()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 2);
        var b = await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "sb-b to take over");
        rec.Blocked.Add("rec-1-cam-1");
        rec.Down = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.FailingBack }, "failback to begin");
        await TicksAsync(8);
        var waiting = Episode().ShouldNotBeNull();
        waiting.Phase.ShouldBe(FailoverPhase.FailingBack);
        waiting.Note.Code.ShouldBe(EpisodeNote.Codes.FailbackWaits);
        waiting.Note.Render(id => id.ToString()).ShouldContain("rec-1-cam-1");
        b.Takeovers.ShouldNotBeEmpty("the standby keeps recording the camera the recording server cannot reach");

        rec.Blocked.Clear();
        await TickUntilAsync(() => Episode() is null, "failback once the camera is back");
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task Failback_completes_for_a_recording_server_whose_clock_runs_behind()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        rec.Skew = TimeSpan.FromSeconds(-45);
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "sb-b to take over");
        rec.Down = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.FailingBack }, "failback to begin");

        // Judged on the server's own clock, its next segment shows it records again: not 45 s later, when its clock catches up.
        for (var i = 0; i < 5 && Episode() is { Phase: FailoverPhase.FailingBack }; i++)
        {
            await TickCheckedAsync();
        }

        Episode()?.Phase.ShouldNotBe(FailoverPhase.FailingBack);
        await TickUntilAsync(() => Episode() is null, "failback, judged on the recording server's own clock, and restore");
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_fault_inside_a_step_is_in_the_event_log_once_and_the_step_is_tried_again()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        var b = await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        b.Broken = true;
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.TakingOver }, "the takeover to begin");
        await TicksAsync(3);
        var id = _site.ById.Single(s => s.Value == rec).Key;
        var events = await _site.ReadAsync(db => db.Events.AsNoTracking().Where(e => e.ServerId == id && e.Reason.Contains("StartTakeover failed")).ToListAsync());
        events.ShouldHaveSingleItem().Reason.ShouldContain("cannot be read");
        StepLogs().ShouldHaveSingleItem("a fault of the CMS is logged once, with its stack, not every round").Exception.ShouldNotBeNull();

        b.Broken = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "the takeover, tried again");
    }

    [Fact]
    public async Task A_takeover_cut_short_by_the_CMS_closing_its_client_is_tried_again_on_the_same_standby()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        var a = await _site.AddServerAsync("sb-a", standby: true, _site.DefaultGroup);
        await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        a.TakeoverCutShort = true;
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.TakingOver }, "the takeover to begin");
        await TicksAsync(3);
        Episode().ShouldNotBeNull().Standby.ShouldBe(IdOf(a), "a call the CMS cut itself says nothing about the standby");
        StepLogs().ShouldHaveSingleItem("said once, as an agent's weather").Exception.ShouldBeNull();

        a.TakeoverCutShort = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "the takeover, tried again");
        Episode().ShouldNotBeNull().Standby.ShouldBe(IdOf(a), "the first standby in the group's order, not the next one");
    }

    [Fact]
    public async Task Standby_footage_with_the_same_bytes_as_footage_at_home_from_another_time_comes_home_all_the_same()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        var b = await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);

        // A dark, unchanging picture with timestamps counted from each session's start: every segment holds the same bytes.
        rec.RepeatsContent = b.RepeatsContent = true;
        await TicksAsync(3);
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "sb-b to take over");
        await TicksAsync(3);
        var key = Episode()!.FootageKey;
        var held = b.Files.Where(f => f.Owner == key).ToList();
        held.Count.ShouldBeGreaterThan(1);
        var bytes = held.Select(f => f.Sha256).Distinct().ShouldHaveSingleItem("every segment holds the same bytes");
        rec.Files.ShouldContain(f => f.Owner == AgentRoutes.OwnRecordings && f.Sha256 == bytes, "the recording server holds those bytes from before the outage");

        rec.Down = false;
        await TickUntilAsync(() => Episode() is null, "failback, restore and cleanup");
        foreach (var file in held)
        {
            rec.Files.ShouldContain(f => f.Owner == AgentRoutes.OwnRecordings && f.Sha256 == bytes && RecordingSpan.Holds(f.Start, f.End, file.Start, file.End),
                $"the standby's segment of {file.Start:HH:mm:ss}-{file.End:HH:mm:ss} is home at its own time");
        }

        b.Files.Where(f => f.Owner == key).ShouldBeEmpty();
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_recording_server_that_checks_by_bytes_alone_still_gets_every_file_home_once()
    {
        var (rec, b, key) = await TakenOverAsync();
        var held = b.Files.Where(f => f.Owner == key).ToList();
        held.Select(f => f.Sha256).Distinct().Count().ShouldBe(held.Count, "every segment of this outage holds its own bytes");

        // An agent of the version before spans: its answer stands for every asked file of those bytes.
        rec.ChecksBytesAlone = true;
        rec.Down = false;
        await TickUntilAsync(() => Episode() is null, "failback, restore and cleanup");
        ShouldBeHome(rec, held);
        rec.Files.Count(f => f.Owner == AgentRoutes.OwnRecordings && held.Any(h => h.Sha256 == f.Sha256))
            .ShouldBe(held.Count, "every file home once, the restore ended without a loop on answers without a span");
        b.Files.Where(f => f.Owner == key).ShouldBeEmpty();
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_cleanup_a_standby_refuses_says_why_once_and_ends_when_the_standby_obeys()
    {
        var (rec, b, key) = await TakenOverAsync();
        var held = b.Files.Where(f => f.Owner == key).ToList();
        b.RefusesRemoval = "footage.locked";

        rec.Down = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Cleaning }, "the restore to end and the cleanup to begin");
        await TicksAsync(5);
        Episode().ShouldNotBeNull("a refused cleanup keeps the failover open").Phase.ShouldBe(FailoverPhase.Cleaning);
        var id = _site.ById.Single(s => s.Value == rec).Key;
        (await RemovalWaitsAsync(id)).ShouldHaveSingleItem().Reason.ShouldContain("footage.locked");
        StepLogs().ShouldHaveSingleItem("an agent's refusal is logged once, in its words").Message.ShouldContain("footage.locked");

        b.RefusesRemoval = null;
        await TickUntilAsync(() => Episode() is null, "the cleanup to end");
        ShouldBeHome(rec, held);
        b.Files.Where(f => f.Owner == key).ShouldBeEmpty("the footage confirmed home is removed from the standby");
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_discard_a_standby_refuses_says_why_once_and_ends_when_the_standby_obeys()
    {
        var (rec, b, key) = await TakenOverAsync();
        b.Files.First(f => f.Owner == key).Content[0] ^= 0xFF; // the restore cannot finish, so the operator stops it
        rec.Down = false;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Restoring, Note.Code: EpisodeNote.Codes.RestoreWaits }, "the restore to say it waits");

        b.RefusesRemoval = "footage.locked";
        var id = _site.ById.Single(s => s.Value == rec).Key;
        (await _site.OperateAsync<FailoverCommands>(c => c.StopRestorationAsync(id, confirmed: true, _site.Operator, default))).ShouldBe("done");
        await TicksAsync(5);
        Episode().ShouldNotBeNull("a refused discard keeps the failover open").Phase.ShouldBe(FailoverPhase.Cleaning);
        (await RemovalWaitsAsync(id)).ShouldHaveSingleItem().Reason.ShouldContain("footage.locked");

        b.RefusesRemoval = null;
        await TickUntilAsync(() => Episode() is null, "the discard to end");
        b.Files.Where(f => f.Owner == key).ShouldBeEmpty("the operator's confirmed discard removes the standby's footage");
        (await _invariants.AtRestAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task An_unreadable_credential_never_stops_the_probing_of_the_others()
    {
        var rec1 = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        var rec2 = await _site.AddServerAsync("rec-2", standby: false, _site.DefaultGroup, cameras: 1);
        await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        var broken = _site.ById.Single(s => s.Value == rec2).Key;
        _site.Agents.Unreadable.Add(broken);
        rec1.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "rec-1 to be taken over beside the broken row");
        _site.Board.AccessProblemOf(broken).ShouldNotBeNull().ShouldContain("unreadable");
        _site.Ledger.OpenFor(new ServerId(broken)).ShouldBeNull("a server the CMS cannot speak to is not failed over");
    }

    [Fact]
    public async Task An_agent_that_rejects_the_credential_is_not_failed_over_and_the_event_says_why()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        rec.RejectsCredential = true;
        await TicksAsync(10);
        _site.Ledger.Open.ShouldBeEmpty();
        var id = _site.ById.Single(s => s.Value == rec).Key;
        _site.Board.AccessProblemOf(id).ShouldNotBeNull();
        var events = await _site.ReadAsync(db => db.Events.AsNoTracking().Where(e => e.ServerId == id).ToListAsync());
        events.ShouldContain(e => e.To == "no-access");

        rec.RejectsCredential = false;
        await TicksAsync(2);
        _site.Board.AccessProblemOf(id).ShouldBeNull();
    }

    private FailoverEpisode? Episode() => _site.Ledger.Open is [var first, ..] ? first : null;

    /// <summary>rec-1 (one camera) fails and sb-b takes it over and records for it for a few seconds.</summary>
    private async Task<(SimAgent Rec, SimAgent Standby, string Key)> TakenOverAsync()
    {
        var rec = await _site.AddServerAsync("rec-1", standby: false, _site.DefaultGroup, cameras: 1);
        var b = await _site.AddServerAsync("sb-b", standby: true, _site.DefaultGroup);
        rec.Down = true;
        await TickUntilAsync(() => Episode() is { Phase: FailoverPhase.Active }, "sb-b to take over");
        await TicksAsync(3);
        return (rec, b, Episode()!.FootageKey);
    }

    /// <summary>The events saying the footage removal of <paramref name="serverId"/>'s failover waits on an agent.</summary>
    private Task<List<EventRow>> RemovalWaitsAsync(int serverId) =>
        _site.ReadAsync(db => db.Events.AsNoTracking().Where(e => e.ServerId == serverId && e.Reason.Contains("RemoveFootage waits")).ToListAsync());

    /// <summary>What the engine logged about steps that did not finish: its faults (3204) and its waits on agents (3211).</summary>
    private List<FakeLogRecord> StepLogs() => _site.Logs.GetSnapshot().Where(r => r.Id.Id is 3204 or 3211).ToList();

    private ServerId IdOf(SimAgent agent) => new(_site.ById.Single(s => s.Value == agent).Key);

    private static void ShouldBeHome(SimAgent home, List<SimFile> held)
    {
        var own = home.Files.Where(f => f.Owner == AgentRoutes.OwnRecordings).Select(f => f.Sha256).ToHashSet();
        held.Where(f => !own.Contains(f.Sha256)).ShouldBeEmpty("every failover file is home with its checksum");
    }

    private async Task TicksAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await TickCheckedAsync();
        }
    }

    private async Task TickUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 120 && !condition(); i++)
        {
            await TickCheckedAsync();
        }

        condition().ShouldBeTrue($"waited 120 simulated seconds for {what}");
    }

    private async Task TickCheckedAsync()
    {
        await _site.TickAsync();
        (await _invariants.AfterTickAsync()).ShouldBeEmpty();
    }
}

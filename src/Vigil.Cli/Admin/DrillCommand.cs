using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil drill run|list|show</c>: failover drills and their reports.</summary>
internal static class DrillCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var server = new Argument<string>("server") { Description = "Recording server name or id" };
        var wait = new Option<bool>("--wait") { Description = "Follow the drill, printing each step, and print its report at the end" };
        var run = new Command("run", "Fail a recording server over to a standby, hold, fail back, restore, and report") { server, wait, AdminAction.JsonOption };
        AdminAction.Set(run, async (result, client) =>
        {
            var target = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            var drill = await client.SendAsync<DrillView>(HttpMethod.Post, CmsRoutes.Drills, new RunDrillRequest(target.Id)).ConfigureAwait(false);
            if (result.GetValue(wait))
            {
                drill = await FollowAsync(client, drill, quiet: result.GetValue(AdminAction.JsonOption)).ConfigureAwait(false);
            }

            Print(result, drill);
            if (drill.State is "failed" or "aborted" or "interrupted")
            {
                throw new CliFailure($"The drill {drill.State}.", "drill." + drill.State, exitCode: 3);
            }
        });

        var serverFilter = new Option<string>("--server") { Description = "Only this server's drills (name or id)" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "List drills, newest first") { serverFilter, limit, AdminAction.JsonOption };
        AdminAction.Set(list, async (result, client) =>
        {
            var query = $"?limit={result.GetValue(limit)}";
            if (result.GetValue(serverFilter) is { } name)
            {
                query += $"&server={(await Lookup.ServerAsync(client, name).ConfigureAwait(false)).Id}";
            }

            var drills = await client.GetAsync<DrillList>(CmsRoutes.Drills + query).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(drills);
                return;
            }

            Output.Table(["ID", "SERVER", "STARTED (UTC)", "RESULT", "TAKEOVER S", "WORST GAP S", "STANDBY"], drills.Drills.Select(d => (IReadOnlyList<string>)
            [
                d.Id.ToString(CultureInfo.InvariantCulture), d.ServerName, Time(d.StartedAt), d.State == "running" ? $"running ({d.Step})" : d.State,
                Number(d.TakeoverSeconds), Number(d.WorstGapSeconds), d.StandbyName ?? "-",
            ]));
        });

        var id = new Argument<long>("id") { Description = "The drill's id (see 'vigil drill list')" };
        var show = new Command("show", "Show a drill's report") { id, AdminAction.JsonOption };
        AdminAction.Set(show, async (result, client) => Print(result, await client.GetAsync<DrillView>(CmsRoutes.Drill(result.GetValue(id))).ConfigureAwait(false)));

        return new Command("drill", "Failover drills: prove a standby takes over before the day it is needed") { run, list, show };
    }

    /// <summary>Polls the drill until it ends, printing each new step.</summary>
    private static async Task<DrillView> FollowAsync(CmsClient client, DrillView drill, bool quiet)
    {
        var said = string.Empty;
        while (true)
        {
            if (!quiet && drill.Step != said)
            {
                said = drill.Step;
                await Console.Out.WriteLineAsync($"{Time(TimeProvider.System.GetUtcNow())}  drill {drill.Id} of {drill.ServerName}: {drill.Step}").ConfigureAwait(false);
            }

            if (drill.State != "running")
            {
                return drill;
            }

            await Task.Delay(Poll).ConfigureAwait(false);
            drill = await client.GetAsync<DrillView>(CmsRoutes.Drill(drill.Id)).ConfigureAwait(false);
        }
    }

    private static void Print(ParseResult result, DrillView drill)
    {
        if (result.GetValue(AdminAction.JsonOption))
        {
            Output.Json(drill);
            return;
        }

        var lines = new List<string>
        {
            $"drill:     {drill.Id} of {drill.ServerName} ({drill.Trigger}, asked by {drill.Actor})",
            $"result:    {drill.State}{(drill.State == "running" ? $" ({drill.Step})" : string.Empty)}",
            $"started:   {Time(drill.StartedAt)} UTC; active {(drill.ActiveAt is { } a ? Time(a) : "-")}; failback {(drill.FailbackAt is { } f ? Time(f) : "-")}; ended {(drill.EndedAt is { } e ? Time(e) : "-")}",
            $"standby:   {drill.StandbyName ?? "-"} (held {Number(drill.HoldSeconds)} s)",
        };
        lines.AddRange(drill.Thresholds.Select(t =>
            $"{t.Name + ":",-10} {Number(t.MeasuredSeconds)} s (threshold {Number(t.LimitSeconds)} s) {(t.MeasuredSeconds is null ? "-" : t.Passed ? "pass" : "FAIL")}"));
        lines.AddRange(drill.Cameras.Select(c =>
            $"camera:    {c.Camera}: standby from {(c.StandbyFirstSegmentStart is { } s ? Time(s) : "-")} (gap {Number(c.GapSeconds)} s, {c.StandbySegments} segments); own longest gap {Number(c.OwnLongestGapSeconds)} s over {c.OwnSegments} segments"));
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"restored:  {drill.RestoredFiles} files, {drill.RestoredBytes} bytes; standby files home by checksum {drill.StandbyFilesHome}/{drill.StandbyFilesSeen}"));
        lines.AddRange(drill.Reasons.Select(r => $"why:       {r}"));
        foreach (var line in lines)
        {
            Console.Out.WriteLine(line);
        }
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Number(double? value) => value is { } v ? v.ToString("0.0#", CultureInfo.InvariantCulture) : "-";
}

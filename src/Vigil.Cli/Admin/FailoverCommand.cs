using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary>
/// <c>vigil failover now</c>, <c>vigil failback</c>, <c>vigil restore status|stop</c>, <c>vigil replace</c>
/// and <c>vigil events</c>: the failover actions and their record.
/// </summary>
internal static class FailoverCommand
{
    private static readonly Argument<string> ServerArgument = new("server") { Description = "Server name or id" };

    public static Command CreateFailover()
    {
        var now = new Command("now", "Fail a recording server over to a standby now; it waits for a manual failback") { ServerArgument, AdminAction.JsonOption };
        AdminAction.Set(now, async (result, client) =>
        {
            var server = await Lookup.ServerAsync(client, result.GetValue(ServerArgument)!).ConfigureAwait(false);
            Print(result, await client.SendAsync<FailoverView>(HttpMethod.Post, CmsRoutes.ServerFailover(server.Id), null).ConfigureAwait(false));
        });
        return new Command("failover", "Fail a recording server over by hand") { now };
    }

    public static Command CreateFailback()
    {
        var command = new Command("failback", "Hand the cameras back to the recording server now (it records first, then the standby stops)")
        {
            ServerArgument, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var server = await Lookup.ServerAsync(client, result.GetValue(ServerArgument)!).ConfigureAwait(false);
            Print(result, await client.SendAsync<FailoverView>(HttpMethod.Post, CmsRoutes.ServerFailback(server.Id), null).ConfigureAwait(false));
        });
        return command;
    }

    public static Command CreateRestore()
    {
        var status = new Command("status", "Show the restore of failover recordings to a recording server") { ServerArgument, AdminAction.JsonOption };
        AdminAction.Set(status, async (result, client) =>
        {
            var server = await Lookup.ServerAsync(client, result.GetValue(ServerArgument)!).ConfigureAwait(false);
            Print(result, await client.GetAsync<FailoverView>(CmsRoutes.ServerRestore(server.Id)).ConfigureAwait(false));
        });
        var confirm = new Option<bool>("--confirm") { Description = "Confirm that the recordings left on the standby are removed" };
        var stop = new Command("stop", "Stop the restore; the failover recordings left on the standby are removed (the first admin confirms)")
        {
            ServerArgument, confirm, Reauthentication.AdminUserOption, Reauthentication.AdminPasswordOption, AdminAction.JsonOption,
        };
        AdminAction.Set(stop, async (result, client) =>
        {
            var server = await Lookup.ServerAsync(client, result.GetValue(ServerArgument)!).ConfigureAwait(false);
            var path = CmsRoutes.ServerRestore(server.Id) + (result.GetValue(confirm) ? $"?{CmsRoutes.ConfirmFlag}=true" : string.Empty);
            Print(result, await Reauthentication.WithAsync(client, result, () => client.SendAsync<FailoverView>(HttpMethod.Delete, path, null)).ConfigureAwait(false));
        });
        return new Command("restore", "Restore of failover recordings to the recording server") { status, stop };
    }

    public static Command CreateReplace()
    {
        var with = new Option<string>("--with") { Description = "The acting standby, or another recording server in normal status", Required = true };
        var command = new Command("replace", "Replace a protected server during its failover; the replacement takes its name, cameras and licenses")
        {
            ServerArgument, with, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var server = await Lookup.ServerAsync(client, result.GetValue(ServerArgument)!).ConfigureAwait(false);
            var replacement = await Lookup.ServerAsync(client, result.GetValue(with)!).ConfigureAwait(false);
            Print(result, await client.SendAsync<FailoverView>(HttpMethod.Post, CmsRoutes.ServerReplace(server.Id), new ReplaceRequest(replacement.Id))
                .ConfigureAwait(false));
        });
        return command;
    }

    public static Command CreateEvents()
    {
        var server = new Option<string>("--server") { Description = "Only this server's events (name or id)" };
        var kind = new Option<string>("--kind") { Description = "Only events of this kind: failover, health, operator, protection, cms, clock or update" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var before = new Option<long?>("--before") { Description = "Only events older than this event id (the next page, as the last one printed says)" };
        var command = new Command("events", "List failover transitions, health changes and operator actions, newest first, a page at a time")
        {
            server, kind, limit, before, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var query = $"?limit={result.GetValue(limit)}";
            if (result.GetValue(server) is { } name)
            {
                query += $"&server={(await Lookup.ServerAsync(client, name).ConfigureAwait(false)).Id}";
            }

            if (result.GetValue(kind) is { } wanted)
            {
                query += $"&kind={Uri.EscapeDataString(wanted)}";
            }

            if (result.GetValue(before) is { } older)
            {
                query += string.Create(CultureInfo.InvariantCulture, $"&before={older}");
            }

            var events = await client.GetAsync<EventList>(CmsRoutes.Events + query).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(events);
                return;
            }

            Output.Table(["TIME (UTC)", "SERVER", "KIND", "FROM", "TO", "WHY", "BY"], events.Events.Select(e => (IReadOnlyList<string>)
            [
                e.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), e.ServerName, e.Kind, e.From, e.To, e.Reason, e.Actor,
            ]));
            if (events.OlderBefore is { } next)
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Older events: add --before {next}"));
            }
        });
        return command;
    }

    private static void Print(ParseResult result, FailoverView failover)
    {
        if (result.GetValue(AdminAction.JsonOption))
        {
            Output.Json(failover);
            return;
        }

        var restore = failover.Restore;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            server:    {failover.RecordingServerName}
            standby:   {failover.StandbyName ?? "-"}
            phase:     {failover.Phase} ({failover.Origin}, epoch {failover.Epoch}) since {failover.PhaseSince.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC
            why:       {failover.Note}
            restore:   {restore.Percent:0.#}% — {restore.FilesCopied}/{restore.FilesTotal} files, {Size(restore.BytesCopied)} of {Size(restore.BytesTotal)}, {Size((long)restore.BytesPerSecond)}/s, {(restore.SecondsLeft is { } left ? $"{left:0} s left" : "time left unknown")}
            """));
        foreach (var (camera, index) in restore.Cameras.Select((c, i) => (c, i)))
        {
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(index == 0 ? "cameras:" : string.Empty),-11}{camera.CameraId}: {camera.FilesHome}/{camera.FilesTotal} files home ({Size(camera.BytesHome)} of {Size(camera.BytesTotal)}), {camera.FilesTotal - camera.FilesHome} still on the standby"));
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.0} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.0} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.0} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };
}

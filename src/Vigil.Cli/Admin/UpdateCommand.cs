using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil update list|available|packages|upload</c>: agent updates, the online feed and the packages the CMS holds.</summary>
internal static class UpdateCommand
{
    public static Command Create()
    {
        var serverFilter = new Option<string>("--server") { Description = "Only this server's updates (name or id)" };
        var limit = new Option<int>("--limit") { Description = "How many, newest first", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Agent updates, newest first, with their step") { serverFilter, limit, AdminAction.JsonOption };
        AdminAction.Set(list, async (result, client) =>
        {
            var query = $"?limit={result.GetValue(limit)}";
            if (result.GetValue(serverFilter) is { } name)
            {
                query += $"&server={(await Lookup.ServerAsync(client, name).ConfigureAwait(false)).Id}";
            }

            var updates = await client.GetAsync<ServerUpdateList>(CmsRoutes.AgentUpdates + query).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(updates);
                return;
            }

            Print(updates);
        });

        var available = new Command("available", "The online feed's versions, and what each server may be updated to") { AdminAction.JsonOption };
        AdminAction.Set(available, async (result, client) =>
        {
            var offers = await client.GetAsync<AvailableUpdates>(CmsRoutes.AvailableAgentUpdates).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(offers);
                return;
            }

            await Console.Out.WriteLineAsync($"feed: {offers.Feed ?? "none set"}; CMS version {offers.CmsVersion}").ConfigureAwait(false);
            if (offers.Error is not null)
            {
                await Console.Out.WriteLineAsync(offers.Error).ConfigureAwait(false);
            }

            Output.Table(["SERVER", "VERSION", "COMPATIBILITY", "MAY MOVE TO"], offers.Servers.Select(s => (IReadOnlyList<string>)
            [
                s.Name, s.AgentVersion, s.Compatibility.Replace('_', ' '), s.Versions.Count == 0 ? "-" : string.Join(", ", s.Versions),
            ]));
        });

        var packages = new Command("packages", "The verified update packages the CMS holds") { AdminAction.JsonOption };
        AdminAction.Set(packages, async (result, client) =>
        {
            var held = await client.GetAsync<UpdatePackageList>(CmsRoutes.AgentUpdatePackages).ConfigureAwait(false);
            if (result.GetValue(AdminAction.JsonOption))
            {
                Output.Json(held);
                return;
            }

            Output.Table(["ID", "VERSION", "FROM", "MIB", "SOURCE", "ADDED (UTC)", "SHA-256"], held.Packages.Select(p => (IReadOnlyList<string>)
            [
                p.Id.ToString(CultureInfo.InvariantCulture), p.Version, p.OldestFrom, (p.Bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture),
                p.Source, p.AddedAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), p.Sha256,
            ]));
        });

        var file = new Argument<string>("PKG") { Description = "An update package file (vigil-update_X.Y.Z.vup)" };
        var upload = new Command("upload", "Upload an update package to the CMS, which verifies and keeps it") { file, AdminAction.JsonOption };
        AdminAction.Set(upload, async (result, client) =>
        {
            var json = result.GetValue(AdminAction.JsonOption);
            var uploaded = await ServerUpdateCommand.UploadAsync(client, result.GetValue(file)!, quiet: json).ConfigureAwait(false);
            if (json)
            {
                Output.Json(uploaded);
            }
        });

        return new Command("update", "Agent updates: their progress, the online feed, the packages the CMS holds (start one with 'vigil server update')")
        {
            list, available, packages, upload,
        };
    }

    public static void Print(ServerUpdateList updates) =>
        Output.Table(["ID", "SERVER", "FROM", "TO", "ROUTE", "STEP", "DETAIL"], updates.Updates.Select(u => (IReadOnlyList<string>)
        [
            u.Id.ToString(CultureInfo.InvariantCulture), u.ServerName, u.FromVersion, u.ToVersion, u.Route?.Replace('_', ' ') ?? "-", u.Step.Replace('_', ' '), u.Detail,
        ]));
}

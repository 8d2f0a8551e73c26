using System.CommandLine;
using System.Globalization;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary>
/// <c>vigil server update NAME… --file PKG | --version X.Y.Z [--wait]</c>: updates the agents of one server or several, with
/// a package file (uploaded first, with its progress) or a version of the online feed. Protected recording servers roll:
/// a standby records their cameras meanwhile.
/// </summary>
internal static class ServerUpdateCommand
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var servers = new Argument<string[]>("SERVER") { Description = "Names or ids of the servers to update", Arity = ArgumentArity.OneOrMore };
        var file = new Option<string?>("--file") { Description = "An update package (vigil-update_X.Y.Z.vup) to upload and install: a manual update" };
        var version = new Option<string?>("--version") { Description = "A version of the online update feed (see 'vigil update available'): an online update" };
        var wait = new Option<bool>("--wait") { Description = "Follow the updates, printing each step, until every one has ended" };
        var command = new Command("update", "Update the agents of servers to a new version (one server per group at a time; protected recording servers roll with no gap)")
        {
            servers, file, version, wait, AdminAction.JsonOption,
        };
        AdminAction.Set(command, async (result, client) =>
        {
            var json = result.GetValue(AdminAction.JsonOption);
            var ids = new List<int>();
            foreach (var name in result.GetValue(servers)!)
            {
                ids.Add((await Lookup.ServerAsync(client, name).ConfigureAwait(false)).Id);
            }

            StartUpdateRequest request;
            if (result.GetValue(file) is { } package)
            {
                if (result.GetValue(version) is not null)
                {
                    throw new CliFailure("Give either --file (a manual update) or --version (an online update), not both.");
                }

                var uploaded = await UploadAsync(client, package, quiet: json).ConfigureAwait(false);
                request = new StartUpdateRequest(ids, PackageId: uploaded.Id);
            }
            else
            {
                request = new StartUpdateRequest(ids, Version: result.GetValue(version)
                    ?? throw new CliFailure("Give --file PKG (a manual update) or --version X.Y.Z (an online update; see 'vigil update available')."));
            }

            var queued = await client.SendAsync<ServerUpdateList>(HttpMethod.Post, CmsRoutes.AgentUpdates, request).ConfigureAwait(false);
            if (result.GetValue(wait))
            {
                queued = await FollowAsync(client, queued, quiet: json).ConfigureAwait(false);
            }

            if (json)
            {
                Output.Json(queued);
            }
            else
            {
                UpdateCommand.Print(queued);
            }

            if (queued.Updates.Any(u => u.Step is "failed" or "rolled_back"))
            {
                throw new CliFailure("Not every update succeeded; see the reasons above.", "update.failed", exitCode: 3);
            }
        });
        return command;
    }

    /// <summary>Uploads <paramref name="file"/> to the CMS, printing how much went every tenth of the way.</summary>
    public static async Task<UpdatePackageView> UploadAsync(CmsClient client, string file, bool quiet)
    {
        if (!File.Exists(file))
        {
            throw new CliFailure($"There is no file {file}.");
        }

        var progress = new UploadProgress(Path.GetFileName(file), new FileInfo(file).Length, quiet);
        var uploaded = await client.UploadAsync<UpdatePackageView>(CmsRoutes.AgentUpdatePackages, file, progress).ConfigureAwait(false);
        if (!quiet)
        {
            await Console.Out.WriteLineAsync($"package {uploaded.Version} verified and kept by the CMS (id {uploaded.Id}, SHA-256 {uploaded.Sha256})").ConfigureAwait(false);
        }

        return uploaded;
    }

    /// <summary>
    /// Prints an upload's progress every tenth of the way, at once on the uploading thread (<see cref="Progress{T}"/> would post
    /// it to the thread pool, where the last lines could come after the result, or not at all before the command ends).
    /// </summary>
    private sealed class UploadProgress(string name, long total, bool quiet) : IProgress<long>
    {
        private long _shown = -1;

        public void Report(long value)
        {
            var tenth = total == 0 ? 10 : value * 10 / total;
            if (quiet || tenth <= _shown)
            {
                return;
            }

            _shown = tenth;
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"uploading {name}: {tenth * 10}% of {total / (1024.0 * 1024):0.0} MiB"));
        }
    }

    /// <summary>Polls the updates until each has ended, printing every new step.</summary>
    private static async Task<ServerUpdateList> FollowAsync(CmsClient client, ServerUpdateList queued, bool quiet)
    {
        var said = new Dictionary<long, string>();
        var ids = queued.Updates.Select(u => u.Id).ToHashSet();
        var current = queued.Updates;
        while (true)
        {
            foreach (var update in current)
            {
                var line = $"{update.Step}: {update.Detail}";
                if (!quiet && (!said.TryGetValue(update.Id, out var before) || before != line))
                {
                    said[update.Id] = line;
                    await Console.Out.WriteLineAsync($"{TimeProvider.System.GetUtcNow():HH:mm:ss}  {update.ServerName}: {line}").ConfigureAwait(false);
                }
            }

            if (current.All(u => u.Step is "done" or "failed" or "rolled_back"))
            {
                return new ServerUpdateList(current);
            }

            await Task.Delay(Poll).ConfigureAwait(false);
            var latest = await client.GetAsync<ServerUpdateList>(CmsRoutes.AgentUpdates + "?limit=1000").ConfigureAwait(false);
            current = latest.Updates.Where(u => ids.Contains(u.Id)).OrderBy(u => u.Id).ToList();
        }
    }
}

using Microsoft.Extensions.Logging;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Recording;

/// <summary>
/// At start, before recording resumes: catalogs the segments and snapshots in the spaces that the
/// catalog does not know, such as the segment being written when the agent was killed. Only each
/// camera's two newest day folders (and its snapshots) are read: a crash leaves its traces there, and a
/// space may hold millions of older segments.
/// </summary>
public sealed partial class CatalogRecovery(RecordingCatalog catalog, SegmentCataloguer cataloguer, ILogger<CatalogRecovery> logger)
{
    public async Task<int> RunAsync(IEnumerable<string> spaces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        var found = 0;
        foreach (var space in spaces.Where(Directory.Exists))
        {
            foreach (var file in RecentFiles(space))
            {
                var relative = Path.GetRelativePath(space, file);
                var video = file.EndsWith(".ts", StringComparison.Ordinal);
                if (!(video || file.EndsWith(".jpg", StringComparison.Ordinal)) || RecordingTarget.Parse(relative) is not { } owner
                    || catalog.Contains(space, relative))
                {
                    continue;
                }

                CatalogEntry? entry;
                try
                {
                    entry = video
                        ? await cataloguer.AddVideoAsync(owner.Owner, owner.Camera, space, file, null, cancellationToken,
                            notBefore: RecorderRunName.Began(file)).ConfigureAwait(false)
                        : await cataloguer.AddSnapshotAsync(owner.Owner, owner.Camera, space, file, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One file that cannot be catalogued (ffprobe missing, a disk error) must not keep the agent from recording.
                    LogNotRecovered(logger, file, e);
                    continue;
                }

                if (entry is not null)
                {
                    found++;
                    LogRecovered(logger, entry.FullPath, entry.Bytes);
                }
            }
        }

        return found;
    }

    private static IEnumerable<string> RecentFiles(string space)
    {
        var own = Path.Combine(space, Contracts.Agent.AgentRoutes.OwnRecordings);
        var failover = Path.Combine(space, "failover");
        var cameraFolders = Subfolders(own).Concat(Subfolders(failover).SelectMany(Subfolders));
        return cameraFolders
            .SelectMany(camera => Subfolders(camera).Where(d => Path.GetFileName(d) != "snapshots").Order(StringComparer.Ordinal).TakeLast(2)
                .Append(Path.Combine(camera, "snapshots")))
            .Where(Directory.Exists)
            .SelectMany(Directory.EnumerateFiles);
    }

    private static IEnumerable<string> Subfolders(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateDirectories(folder) : [];

    [LoggerMessage(EventId = 2203, Level = LogLevel.Error, Message = "Could not catalogue {Path}, found in a space after a restart")]
    private static partial void LogNotRecovered(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Catalogued {Path} ({Bytes} bytes), found in a space after a restart")]
    private static partial void LogRecovered(ILogger logger, string path, long bytes);
}

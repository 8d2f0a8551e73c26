using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Recording;

/// <summary>
/// Catalogs every file under a released takeover's folders that the catalog does not know yet, so a
/// restore, which copies what the catalog lists, never leaves footage behind unseen. A video ffprobe
/// cannot read is catalogued as it is (its span the file's modification time): only its bytes matter to a
/// copy home. Run only while nothing records for the key.
/// </summary>
public sealed partial class FootageSweep(RecordingSpaces spaces, RecordingCatalog catalog, SegmentCataloguer cataloguer, ILogger<FootageSweep> logger)
{
    /// <summary>
    /// Returns how many files it catalogued. It goes a folder at a time, comparing each folder's files with what the
    /// catalog holds for that folder alone, so a key of a day's worth of segments is never held in memory at once.
    /// </summary>
    public async Task<int> RunAsync(string owner, CancellationToken cancellationToken)
    {
        var found = 0;
        foreach (var space in spaces.Paths)
        {
            var ownerFolder = Path.Combine(space, RecordingTarget.OwnerFolder(owner));
            if (!Directory.Exists(ownerFolder))
            {
                continue;
            }

            foreach (var folder in FoldersUnder(ownerFolder))
            {
                var known = catalog.FilesIn(space, Path.GetRelativePath(space, folder));
                foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
                {
                    if (!known.Contains(Path.GetRelativePath(space, file))
                        && await CatalogAsync(owner, CameraOf(ownerFolder, file), space, file, cancellationToken).ConfigureAwait(false) is { } entry)
                    {
                        found++;
                        LogSwept(logger, entry.FullPath, entry.Bytes);
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The folder and every folder below it, in ordinal order.</summary>
    private static IEnumerable<string> FoldersUnder(string folder) =>
        Directory.EnumerateDirectories(folder).Order(StringComparer.Ordinal).SelectMany(FoldersUnder).Prepend(folder);

    private async Task<CatalogEntry?> CatalogAsync(string owner, string camera, string space, string file, CancellationToken cancellationToken)
    {
        if (file.EndsWith(".jpg", StringComparison.Ordinal))
        {
            return await cataloguer.AddSnapshotAsync(owner, camera, space, file, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var video = await cataloguer.AddVideoAsync(owner, camera, space, file, null, cancellationToken).ConfigureAwait(false);
            if (video is not null || !File.Exists(file))
            {
                return video;
            }

            LogUnreadable(logger, file, "ffprobe cannot read it");
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            LogUnreadable(logger, file, $"ffprobe could not run: {e.Message}");
        }

        return await cataloguer.AddUnreadableVideoAsync(owner, camera, space, file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The camera folder the file lies in (failover/{owner}/{camera}/...); a file loose in the owner's folder has none.</summary>
    private static string CameraOf(string ownerFolder, string file)
    {
        var parts = Path.GetRelativePath(ownerFolder, file).Split(Path.DirectorySeparatorChar);
        return parts.Length > 1 ? parts[0] : string.Empty;
    }

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Catalogued {Path} ({Bytes} bytes), found under a released takeover's folder")]
    private static partial void LogSwept(ILogger logger, string path, long bytes);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "Cataloguing {Path} as it is, without a span: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string path, string reason);
}

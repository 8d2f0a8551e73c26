using Microsoft.Extensions.Logging;
using Vigil.Agent.Storage;

namespace Vigil.Agent.Recording;

/// <summary>
/// At start, before recording resumes: catalogs every segment and snapshot in the spaces that the
/// catalog does not know, such as the segment being written when the agent was killed.
/// </summary>
public sealed partial class CatalogRecovery(RecordingCatalog catalog, SegmentCataloguer cataloguer, ILogger<CatalogRecovery> logger)
{
    public async Task<int> RunAsync(IEnumerable<string> spaces, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spaces);
        var found = 0;
        foreach (var space in spaces.Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(space, "*.*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(space, file);
                var video = file.EndsWith(".ts", StringComparison.Ordinal);
                if (!(video || file.EndsWith(".jpg", StringComparison.Ordinal)) || RecordingTarget.Parse(relative) is not { } owner
                    || catalog.Contains(space, relative))
                {
                    continue;
                }

                var entry = video
                    ? await cataloguer.AddVideoAsync(owner.Owner, owner.Camera, space, file, null, cancellationToken).ConfigureAwait(false)
                    : await cataloguer.AddSnapshotAsync(owner.Owner, owner.Camera, space, file, cancellationToken).ConfigureAwait(false);
                if (entry is not null)
                {
                    found++;
                    LogRecovered(logger, entry.FullPath, entry.Bytes);
                }
            }
        }

        return found;
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Information, Message = "Catalogued {Path} ({Bytes} bytes), found in a space after a restart")]
    private static partial void LogRecovered(ILogger logger, string path, long bytes);
}

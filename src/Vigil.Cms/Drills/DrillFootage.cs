using Vigil.Cms.Agents;
using Vigil.Contracts.Agent;
using Vigil.Domain.Drills;

namespace Vigil.Cms.Drills;

/// <summary>
/// What a drill reads from the agents' catalogs: the standby's segments of the drill's footage key (collected while they
/// are there: once restored home they are deleted from the standby), and the recording server's own segments. From them
/// come each camera's gap and coverage, and which of the standby's files are home with the same checksum.
/// </summary>
internal sealed class DrillFootage
{
    /// <summary>A file the original holds as its own once restored: "restored-" and the standby's file name.</summary>
    private const string RestoredPrefix = "restored-";

    private readonly Dictionary<long, Recording> _standby = [];

    public int StandbyFiles => _standby.Count;

    /// <summary>Adds what the standby's catalog lists now; an unreachable standby adds nothing and is asked again later.</summary>
    public async Task CollectAsync(IAgentApi standby, string key, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var recording in await standby.AllAsync(key, null, null, cancellationToken).ConfigureAwait(false))
            {
                _standby[recording.Id] = recording;
            }
        }
        catch (AgentCallException)
        {
            // Asked again at the next look; what was already seen is kept.
        }
    }

    /// <summary>Each camera's figures over the drill, from <paramref name="startedAt"/> (T0) to <paramref name="failbackAt"/>.</summary>
    public IReadOnlyList<(CameraDrillFigures Figures, DateTimeOffset? StandbyFirst, int OwnSegments, int StandbySegments)> Cameras(
        IEnumerable<string> cameras, IReadOnlyList<Recording> own, DateTimeOffset startedAt, DateTimeOffset failbackAt)
    {
        var result = new List<(CameraDrillFigures, DateTimeOffset?, int, int)>();
        foreach (var camera in cameras)
        {
            var standby = _standby.Values.Where(r => r.CameraId == camera && r.Kind == RecordingKind.Video).ToList();
            DateTimeOffset? first = standby.Count == 0 ? null : standby.Min(r => r.Start);
            var mine = own.Where(r => r.CameraId == camera && r.Kind == RecordingKind.Video && !IsRestored(r) && r.End > startedAt && r.Start < failbackAt).ToList();
            TimeSpan? ownGap = mine.Count == 0 ? null : DrillVerdict.LongestUncovered(mine.Select(r => (r.Start, r.End)), startedAt, failbackAt);
            result.Add((new CameraDrillFigures(camera, first - startedAt, ownGap), first, mine.Count, standby.Count));
        }

        return result;
    }

    /// <summary>How many of the standby's files the recording server's catalog holds with the same camera and SHA-256.</summary>
    public int Home(IReadOnlyList<Recording> own)
    {
        var held = own.Select(r => $"{r.CameraId}/{r.Sha256}").ToHashSet(StringComparer.OrdinalIgnoreCase);
        return _standby.Values.Count(r => held.Contains($"{r.CameraId}/{r.Sha256}"));
    }

    private static bool IsRestored(Recording recording) => recording.FileName.StartsWith(RestoredPrefix, StringComparison.Ordinal);
}

using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Spaces;

/// <summary>
/// The folders the agent records into. A space is empty when it holds no catalogued recording; a
/// standby takes a protected server over into an empty space, which is then that server's own.
/// </summary>
public sealed class RecordingSpaces(IReadOnlyList<string> paths, RecordingCatalog catalog, TakeoverStore takeovers)
{
    /// <summary>Below this much free space a space counts as full: a failure of the recording server.</summary>
    public const long MinimumFreeBytes = 64L * 1024 * 1024;

    private const string ProbeFileName = ".vigil-write-probe";

    public IReadOnlyList<string> Paths { get; } = paths.Select(Path.GetFullPath).ToList();

    public IReadOnlyList<SpaceInfo> Describe() => Paths.Select(p =>
    {
        var (capacity, free) = Measure(p);
        return new SpaceInfo(p, capacity, free, IsEmpty(p));
    }).ToList();

    public bool IsEmpty(string path) => !catalog.AnyIn(path) && takeovers.List().All(t => t.Space != path);

    /// <summary>Checks each space as the health report needs it: present, writable, not full.</summary>
    public IReadOnlyList<SpaceHealth> Check() => Paths.Select(Check).ToList();

    /// <summary>The space to record own cameras into: the first space that is not dedicated to a takeover.</summary>
    public string? OwnSpace()
    {
        var dedicated = takeovers.List().Select(t => t.Space).ToHashSet();
        return Paths.FirstOrDefault(p => !dedicated.Contains(p));
    }

    /// <summary>An empty space with the most free room, for a new takeover; null if there is none.</summary>
    public string? ChooseEmptySpace() => Paths
        .Where(p => Directory.Exists(p) && IsEmpty(p))
        .OrderByDescending(p => Measure(p).Free)
        .FirstOrDefault();

    /// <summary>Whether <paramref name="fullPath"/> lies inside one of the spaces (no escaping with '..').</summary>
    public bool Contains(string fullPath)
    {
        var normalized = Path.GetFullPath(fullPath);
        return Paths.Any(p => normalized.StartsWith(p.EndsWith(Path.DirectorySeparatorChar) ? p : p + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }

    private static SpaceHealth Check(string path)
    {
        if (!Directory.Exists(path))
        {
            return new SpaceHealth(path, Present: false, Writable: false, 0, 0, $"recording space {path} is missing");
        }

        var (capacity, free) = Measure(path);
        var writable = CanWrite(path, out var error);
        string? problem = !writable ? $"recording space {path} is not writable: {error}"
            : free < MinimumFreeBytes ? $"recording space {path} is full ({free / (1024 * 1024)} MiB free)"
            : null;
        return new SpaceHealth(path, Present: true, writable, capacity, free, problem);
    }

    private static (long Capacity, long Free) Measure(string path)
    {
        try
        {
            var drive = new DriveInfo(path);
            return (drive.TotalSize, drive.AvailableFreeSpace);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (0, 0);
        }
    }

    private static bool CanWrite(string path, out string? error)
    {
        var probe = Path.Combine(path, ProbeFileName);
        try
        {
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            error = null;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return false;
        }
    }
}

using Vigil.Agent.Recording;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Tests.Support;

/// <summary>A real SQLite catalog and camera store in a temporary folder, with recordings of one byte ending when a test says.</summary>
public sealed class CatalogOnDisk : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-catalog-").FullName;

    public CatalogOnDisk()
    {
        var database = new AgentDatabase(Path.Combine(_root, "data"));
        Cameras = new CameraStore(database);
        Catalog = new RecordingCatalog(database);
    }

    public CameraStore Cameras { get; }

    public RecordingCatalog Catalog { get; }

    /// <summary>Writes a one-byte segment of <paramref name="camera"/> for <paramref name="owner"/> ending at <paramref name="end"/> and catalogs it.</summary>
    public CatalogEntry Add(string owner, string camera, DateTimeOffset end)
    {
        var space = Path.Combine(_root, "space1");
        var relative = Path.Combine(RecordingTarget.Folder(owner, camera), end.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            $"{end.ToUnixTimeMilliseconds()}-000000.ts");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(space, relative))!);
        File.WriteAllBytes(Path.Combine(space, relative), [0x47]);
        return Catalog.Add(new CatalogEntry(0, owner, camera, RecordingKind.Video, end.AddSeconds(-2), end, 1, new string('0', 64), space, relative));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

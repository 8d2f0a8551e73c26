using Vigil.Testing;

namespace Vigil.Agent.Tests.Support;

/// <summary>
/// An ffprobe path with nothing there yet, for an agent started with <see cref="Environment"/>: every
/// attempt to probe a segment fails to start the process until <see cref="Install"/> puts the real one there.
/// </summary>
public sealed class AbsentFfprobe : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vigil-absent-ffprobe-").FullName;

    public string Path => System.IO.Path.Combine(_folder, "ffprobe");

    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["VIGIL_FFPROBE"] = Path };

    public void Install() => File.CreateSymbolicLink(Path, CameraTimeline.Tools.Ffprobe);

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

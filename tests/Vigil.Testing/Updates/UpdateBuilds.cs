using System.Collections.Concurrent;
using Vigil.Cli.Demo;
using Vigil.Hosting.Updates;

namespace Vigil.Testing.Updates;

/// <summary>
/// Newer builds of vigil and signed update packages of them, for tests that update a real agent: a framework-dependent
/// <c>dotnet publish</c> of <c>src/Vigil.Cli</c> with another version (<see cref="SourceBuild"/>, which the demo uses too),
/// published again (incrementally) once per test process.
/// Also the installed layout an agent updates itself from: <c>ROOT/versions/X.Y.Z</c> beside a <c>ROOT/current</c> link.
/// </summary>
public static class UpdateBuilds
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Published = new(StringComparer.Ordinal);

    /// <summary>The version the tests' own build reports (the repository's Directory.Build.props), e.g. 0.1.0.</summary>
    public static string TestBuildVersion => UpdateVersions.Format(Contracts.VigilVersion.Current);

    /// <summary>The folder of the tests' own build of vigil (framework-dependent, with its <c>vigil</c> executable).</summary>
    public static string TestBuildProgram => AppContext.BaseDirectory;

    /// <summary>The repository's root (the folder of Vigil.slnx).</summary>
    public static string RepositoryRoot { get; } =
        SourceBuild.RepositoryRoot() ?? throw new InvalidOperationException($"No Vigil.slnx above {AppContext.BaseDirectory}: the tests run from the repository's build.");

    /// <summary>
    /// The program folder of vigil built as <paramref name="version"/> (framework-dependent, linux-x64 or whatever this
    /// machine is): it reports that version in <c>/api/v1/identity</c> and <c>GET /api/v1/update</c>. Cached between runs.
    /// </summary>
    public static Task<string> ProgramAsync(string version) =>
        Published.GetOrAdd(version, v => new Lazy<Task<string>>(() => PublishAsync(v))).Value;

    /// <summary>
    /// Signs <paramref name="programFolder"/> as an update package claiming <paramref name="version"/> (which need not be
    /// the version the program reports: that is how a test makes a package whose program fails the new version's check).
    /// </summary>
    public static Task<UpdateManifest> PackageAsync(
        string programFolder, string version, UpdateSigningKey key, string packageFile, string? oldestFrom = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        return UpdatePackageWriter.WriteAsync(programFolder, version, oldestFrom ?? "0.0.0", key.PrivateKey, packageFile, CancellationToken.None);
    }

    /// <summary>
    /// Lays out <paramref name="programFolder"/> as an installed, updatable vigil: a copy in <c>ROOT/versions/VERSION</c>
    /// and the relative link <c>ROOT/current</c> → <c>versions/VERSION</c>, as the Debian package has them in /usr/lib/vigil.
    /// Answers the executable to start: <c>ROOT/current/vigil</c>.
    /// </summary>
    public static string InstallLayout(string root, string version, string programFolder)
    {
        AddVersion(root, version, programFolder);
        File.CreateSymbolicLink(Path.Combine(root, "current"), Path.Combine("versions", version));
        return Path.Combine(root, "current", "vigil");
    }

    /// <summary>Copies <paramref name="programFolder"/> into <c>ROOT/versions/VERSION</c> without touching <c>current</c>.</summary>
    public static void AddVersion(string root, string version, string programFolder) =>
        Copy(programFolder, Path.Combine(root, "versions", version));

    /// <summary>Points <c>ROOT/current</c> at <c>versions/VERSION</c>, as an update that switched but was not confirmed leaves it.</summary>
    public static void PointCurrentAt(string root, string version)
    {
        File.Delete(Path.Combine(root, "current"));
        File.CreateSymbolicLink(Path.Combine(root, "current"), Path.Combine("versions", version));
    }

    /// <summary>Where <c>ROOT/current</c> points now, e.g. <c>versions/0.1.1</c>.</summary>
    public static string? CurrentTarget(string root) => new FileInfo(Path.Combine(root, "current")).LinkTarget;

    private static Task<string> PublishAsync(string version) =>
        UpdateVersions.TryParse(version, out _)
            ? SourceBuild.PublishAsync(RepositoryRoot, version, CancellationToken.None)
            : throw new ArgumentException($"{version} is not X.Y.Z.", nameof(version));

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }

        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            File.Copy(file, target);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(target, File.GetUnixFileMode(file));
            }
        }
    }
}

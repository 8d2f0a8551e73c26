namespace Vigil.Agent.Updates;

/// <summary>
/// Where the running program is installed, if it can update itself: its executable in <c>ROOT/versions/X.Y.Z/</c> beside
/// a <c>ROOT/current</c> link (the Debian package's /usr/lib/vigil), and <c>ROOT/versions</c> writable by this user. A
/// development build (bin/Release, <c>dotnet vigil.dll</c>) is not: it answers why in <see cref="Reason"/>.
/// </summary>
internal sealed record ProgramLayout(string Root, string? Reason)
{
    public const string VersionsFolder = "versions";

    public const string CurrentLink = "current";

    public bool Updatable => Reason is null;

    public string Versions => Path.Combine(Root, VersionsFolder);

    public string Current => Path.Combine(Root, CurrentLink);

    /// <summary>The executable a restart runs: whatever <c>current</c> points at then.</summary>
    public string CurrentExecutable => Path.Combine(Current, "vigil");

    /// <summary>The link target of <c>current</c> for a version, relative so the tree can move (an extracted package, a chroot).</summary>
    public static string TargetOf(string version) => Path.Combine(VersionsFolder, version);

    /// <param name="processPath">The running executable: <see cref="Environment.ProcessPath"/>, which Linux reports resolved.</param>
    public static ProgramLayout Detect(string? processPath)
    {
        if (processPath is null)
        {
            return new ProgramLayout(string.Empty, "The path of the running program is unknown.");
        }

        var executable = File.ResolveLinkTarget(processPath, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(processPath);
        var folder = Path.GetDirectoryName(executable)!;
        var versions = Path.GetDirectoryName(folder);
        var root = versions is null ? null : Path.GetDirectoryName(versions);
        if (root is null || Path.GetFileName(versions) != VersionsFolder || new FileInfo(Path.Combine(root, CurrentLink)).LinkTarget is null)
        {
            return new ProgramLayout(string.Empty,
                $"{executable} is not in an installed layout (ROOT/{VersionsFolder}/X.Y.Z beside a ROOT/{CurrentLink} link), as a development build is not; install the Debian package to update agents.");
        }

        return new ProgramLayout(root, WriteProblem(Path.Combine(root, VersionsFolder)));
    }

    /// <summary>Tried, not inferred from modes: under systemd's ProtectSystem=strict the folder is read-only whatever its owner.</summary>
    private static string? WriteProblem(string versions)
    {
        var probe = Path.Combine(versions, $".write-probe-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"{versions} is not writable by this agent ({e.Message}); the vigil-agent unit of the package allows it (ReadWritePaths=/usr/lib/vigil, the folder owned by vigil).";
        }
    }
}

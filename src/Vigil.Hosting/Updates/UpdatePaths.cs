namespace Vigil.Hosting.Updates;

/// <summary>
/// The only file paths a manifest may name: relative, '/'-separated, no empty, "." or ".." segment, no control
/// characters or backslashes. Anything else could write outside the program folder, so it is refused before any write.
/// </summary>
public static class UpdatePaths
{
    public static void Check(string path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > UpdatePackageLayout.MaxPathLength || path.StartsWith('/')
            || path.Any(c => char.IsControl(c) || c is '\\' or ':')
            || path.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            throw new UpdatePackageException(UpdateRules.UnsafePath, $"The package names the unsafe path '{Printable(path)}'.");
        }
    }

    /// <summary>Where <paramref name="path"/> goes under <paramref name="folder"/>; checked again against the resolved result.</summary>
    public static string Under(string folder, string path)
    {
        Check(path);
        var root = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, path));
        return full.StartsWith(root, StringComparison.Ordinal)
            ? full
            : throw new UpdatePackageException(UpdateRules.UnsafePath, $"The package's path '{Printable(path)}' leaves the program folder.");
    }

    private static string Printable(string path) => new([.. path.Take(UpdatePackageLayout.MaxPathLength).Select(c => char.IsControl(c) ? '?' : c)]);
}

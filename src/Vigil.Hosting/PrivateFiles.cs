namespace Vigil.Hosting;

/// <summary>
/// Keeps a server's secrets (database, TLS key, data-protection keys) readable by its own user only:
/// directories 0700, files 0600, created so and corrected at start if someone loosened them.
/// Windows has no such modes; there the folder's ACLs apply and nothing is changed.
/// </summary>
public static class PrivateFiles
{
    public const UnixFileMode PrivateDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public const UnixFileMode PrivateFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) if needed and makes it 0700.</summary>
    public static void EnsureDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, PrivateDirectoryMode);
        File.SetUnixFileMode(path, PrivateDirectoryMode);
    }

    /// <summary>Makes an existing file 0600; a missing one is left missing.</summary>
    public static void EnsureFile(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path))
        {
            File.SetUnixFileMode(path, PrivateFileMode);
        }
    }

    /// <summary>Makes <paramref name="directory"/> and every folder under it 0700 and every file in them 0600.</summary>
    public static void EnsureTree(string directory)
    {
        EnsureDirectory(directory);
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories))
        {
            if (Directory.Exists(entry))
            {
                EnsureDirectory(entry);
            }
            else
            {
                EnsureFile(entry);
            }
        }
    }

    /// <summary>Writes a new file that is 0600 from its first byte, not loosened afterwards.</summary>
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = PrivateFileMode;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(bytes);
        }

        EnsureFile(path);
    }
}

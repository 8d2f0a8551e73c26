using System.Runtime.Versioning;
using Vigil.Hosting;

namespace Vigil.Agent.Tests.Hosting;

/// <summary>Unix file modes: on Windows the folder's ACLs apply instead.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PrivateFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vigil-private-").FullName;

    [Fact]
    public void A_tree_is_made_private_and_loosened_modes_are_corrected()
    {
        var keys = Path.Combine(_root, "keys");
        var nested = Path.Combine(keys, "old");
        Directory.CreateDirectory(nested);
        var file = Path.Combine(nested, "key-1.xml");
        File.WriteAllText(file, "<key/>");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(keys, (UnixFileMode)Convert.ToInt32("755", 8));

        PrivateFiles.EnsureTree(keys);

        File.GetUnixFileMode(keys).ShouldBe(PrivateFiles.PrivateDirectoryMode);
        File.GetUnixFileMode(nested).ShouldBe(PrivateFiles.PrivateDirectoryMode);
        File.GetUnixFileMode(file).ShouldBe(PrivateFiles.PrivateFileMode);
    }

    [Fact]
    public void A_written_file_is_private_even_when_it_existed_readable()
    {
        var path = Path.Combine(_root, "secret.pfx");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("644", 8));

        PrivateFiles.WriteAllBytes(path, [1, 2, 3]);

        File.ReadAllBytes(path).ShouldBe(new byte[] { 1, 2, 3 });
        File.GetUnixFileMode(path).ShouldBe(PrivateFiles.PrivateFileMode);
    }

    [Fact]
    public void A_missing_file_is_left_missing()
    {
        var path = Path.Combine(_root, "absent.db-wal");

        PrivateFiles.EnsureFile(path);

        File.Exists(path).ShouldBeFalse();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}

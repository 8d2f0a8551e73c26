using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Vigil.Hosting.Updates;

/// <summary>
/// Builds an update package from a program folder (what <c>dotnet publish</c> or <c>./package</c> made): hashes every
/// file, signs the manifest with the publisher's private key, then streams the files into a gzip-compressed tar. The
/// package is written beside its final name and renamed, so a half-written package is never taken for a whole one.
/// </summary>
public static class UpdatePackageWriter
{
    public static async Task<UpdateManifest> WriteAsync(
        string programFolder, string version, string oldestFrom, ECDsa privateKey, string packageFile, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        UpdateVersions.Parse(version, "The version");
        if (UpdateVersions.Parse(oldestFrom, "The oldest-from version") > UpdateVersions.Parse(version, "The version"))
        {
            throw new ArgumentException($"The oldest version to update from ({oldestFrom}) is newer than the package ({version}).", nameof(oldestFrom));
        }

        var root = Path.GetFullPath(programFolder);
        var files = new List<UpdateManifestFile>();
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            if (info.LinkTarget is not null)
            {
                throw new IOException($"{path} is a symbolic link; a program folder to package holds regular files only.");
            }

            if (info.Attributes.HasFlag(FileAttributes.Directory))
            {
                continue;
            }

            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            UpdatePaths.Check(relative);
            files.Add(new UpdateManifestFile(relative, info.Length, await HashAsync(path, cancellationToken).ConfigureAwait(false), Mode(path)));
        }

        var manifest = new UpdateManifest(UpdateManifest.CurrentFormat, UpdateManifest.VigilProduct, version, oldestFrom, files);
        var manifestBytes = manifest.ToBytes();
        var signature = new UpdateSignature(UpdateKeys.Id(privateKey), Convert.ToBase64String(privateKey.SignData(manifestBytes, HashAlgorithmName.SHA256)));

        var partial = packageFile + ".partial";
        var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 128 * 1024);
        await using (output.ConfigureAwait(false))
        {
            var gzip = new GZipStream(output, CompressionLevel.Optimal);
            await using (gzip.ConfigureAwait(false))
            {
                var tar = new TarWriter(gzip, TarEntryFormat.Pax);
                await using (tar.ConfigureAwait(false))
                {
                    await WriteBytesAsync(tar, UpdatePackageLayout.ManifestEntry, manifestBytes, cancellationToken).ConfigureAwait(false);
                    await WriteBytesAsync(tar, UpdatePackageLayout.SignatureEntry, signature.ToBytes(), cancellationToken).ConfigureAwait(false);
                    foreach (var file in files)
                    {
                        await tar.WriteEntryAsync(Path.Combine(root, file.Path), UpdatePackageLayout.FilesPrefix + file.Path, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }

        File.Move(partial, packageFile, overwrite: true);
        return manifest;
    }

    private static async Task WriteBytesAsync(TarWriter tar, string name, byte[] bytes, CancellationToken cancellationToken)
    {
        using var data = new MemoryStream(bytes, writable: false);
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, Mode = (UnixFileMode)0x1A4 };
        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    private static int Mode(string path) => OperatingSystem.IsWindows() ? 0x1A4 : (int)File.GetUnixFileMode(path) & 0x1FF;
}

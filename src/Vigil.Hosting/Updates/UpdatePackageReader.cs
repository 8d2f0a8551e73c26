using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;

namespace Vigil.Hosting.Updates;

/// <summary>
/// Reads an update package in one pass, without holding it in memory, and refuses it with a rule of
/// <see cref="UpdateRules"/> at the first thing wrong: the signature is checked against the trusted keys before the
/// manifest is believed, the versions before any program file is read, and every file's size and SHA-256 as it streams
/// by. With a destination, each file is written there as it is checked; a caller keeps that folder away from the program
/// folders until the whole package passed (the agent checks once without writing, then again while it writes).
/// </summary>
public static class UpdatePackageReader
{
    private const int CopyBufferBytes = 128 * 1024;

    /// <param name="runningVersion">The version that would be replaced: the package must be newer and allow updating from it. Null: no version rule.</param>
    /// <param name="destination">An empty folder to write the program files into, or null to check only.</param>
    public static async Task<UpdateManifest> ReadAsync(
        string packageFile, IReadOnlyList<ECDsa> trustedKeys, Version? runningVersion, string? destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trustedKeys);
        if (trustedKeys.Count == 0)
        {
            throw new UpdatePackageException(UpdateRules.NoKeys, "No trusted publisher key was given: an update package cannot be checked without one.");
        }

        return await WithTarAsync(packageFile, async tar =>
        {
            var manifest = await ReadSignedManifestAsync(tar, trustedKeys, cancellationToken).ConfigureAwait(false);
            CheckManifest(manifest, runningVersion);
            await ReadFilesAsync(tar, manifest, destination, cancellationToken).ConfigureAwait(false);
            return manifest;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The manifest of a package that has a signature, without checking it: for a feed's catalog, whose readers verify
    /// every package themselves. Never a reason to install anything.
    /// </summary>
    public static Task<UpdateManifest> ReadManifestUnverifiedAsync(string packageFile, CancellationToken cancellationToken) =>
        WithTarAsync(packageFile, async tar =>
        {
            var (manifestBytes, _) = await ReadManifestAndSignatureAsync(tar, cancellationToken).ConfigureAwait(false);
            var manifest = UpdateManifest.Parse(manifestBytes);
            CheckManifest(manifest, runningVersion: null);
            return manifest;
        }, cancellationToken);

    private static async Task<T> WithTarAsync<T>(string packageFile, Func<TarReader, Task<T>> read, CancellationToken cancellationToken)
    {
        var file = new FileStream(packageFile, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferBytes, FileOptions.SequentialScan);
        await using (file.ConfigureAwait(false))
        {
            var gzip = await IsGzipAsync(file, cancellationToken).ConfigureAwait(false);
            var content = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            await using (content.ConfigureAwait(false))
            {
                try
                {
                    var tar = new TarReader(content);
                    await using (tar.ConfigureAwait(false))
                    {
                        return await read(tar).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
                {
                    throw new UpdatePackageException(UpdateRules.Malformed, $"The package is not a readable tar archive: {e.Message}");
                }
            }
        }
    }

    private static async Task<bool> IsGzipAsync(FileStream file, CancellationToken cancellationToken)
    {
        var magic = new byte[2];
        var read = await file.ReadAtLeastAsync(magic, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        file.Position = 0;
        return read == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
    }

    private static async Task<UpdateManifest> ReadSignedManifestAsync(TarReader tar, IReadOnlyList<ECDsa> trustedKeys, CancellationToken cancellationToken)
    {
        var (manifestBytes, signature) = await ReadManifestAndSignatureAsync(tar, cancellationToken).ConfigureAwait(false);
        var signer = trustedKeys.FirstOrDefault(k => string.Equals(UpdateKeys.Id(k), signature.KeyId, StringComparison.OrdinalIgnoreCase))
            ?? throw new UpdatePackageException(UpdateRules.UnknownKey, $"The package is signed by key {signature.KeyId}, which is not among the {trustedKeys.Count} trusted publisher key(s).");
        byte[] signatureBytes;
        try
        {
            signatureBytes = Convert.FromBase64String(signature.Signature);
        }
        catch (FormatException)
        {
            throw new UpdatePackageException(UpdateRules.BadSignature, "The package's signature is not base64.");
        }

        if (!signer.VerifyData(manifestBytes, signatureBytes, HashAlgorithmName.SHA256))
        {
            throw new UpdatePackageException(UpdateRules.BadSignature, $"The manifest's signature does not verify with key {signature.KeyId}: the manifest was altered or signed by another key.");
        }

        return UpdateManifest.Parse(manifestBytes);
    }

    private static async Task<(byte[] Manifest, UpdateSignature Signature)> ReadManifestAndSignatureAsync(TarReader tar, CancellationToken cancellationToken)
    {
        var manifestEntry = await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        if (manifestEntry is not { EntryType: TarEntryType.RegularFile or TarEntryType.V7RegularFile, Name: UpdatePackageLayout.ManifestEntry })
        {
            throw new UpdatePackageException(UpdateRules.Malformed, $"The package does not start with {UpdatePackageLayout.ManifestEntry}: it is not a Vigil update package.");
        }

        var manifestBytes = await ReadSmallAsync(manifestEntry, UpdatePackageLayout.MaxManifestBytes, "The manifest", cancellationToken).ConfigureAwait(false);
        var signatureEntry = await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        if (signatureEntry is not { EntryType: TarEntryType.RegularFile or TarEntryType.V7RegularFile, Name: UpdatePackageLayout.SignatureEntry })
        {
            throw new UpdatePackageException(UpdateRules.NotSigned, "The package is not signed: no signature follows its manifest.");
        }

        var signature = UpdateSignature.Parse(await ReadSmallAsync(signatureEntry, UpdatePackageLayout.MaxSignatureBytes, "The signature", cancellationToken).ConfigureAwait(false));
        return (manifestBytes, signature);
    }

    private static void CheckManifest(UpdateManifest manifest, Version? runningVersion)
    {
        if (manifest.Format != UpdateManifest.CurrentFormat)
        {
            throw new UpdatePackageException(UpdateRules.Malformed, $"The manifest has format {manifest.Format}; this version reads format {UpdateManifest.CurrentFormat}.");
        }

        if (manifest.Product != UpdateManifest.VigilProduct)
        {
            throw new UpdatePackageException(UpdateRules.WrongProduct, $"The package is of product '{manifest.Product}', not '{UpdateManifest.VigilProduct}'.");
        }

        var version = UpdateVersions.Parse(manifest.Version, "The package's version");
        var oldestFrom = UpdateVersions.Parse(manifest.OldestFrom, "The package's oldest-from version");
        if (runningVersion is not null)
        {
            if (version <= runningVersion)
            {
                throw new UpdatePackageException(UpdateRules.NotNewer, $"The package holds version {manifest.Version}, not newer than the running {UpdateVersions.Format(runningVersion)}.");
            }

            if (runningVersion < oldestFrom)
            {
                throw new UpdatePackageException(UpdateRules.TooOld, $"The package updates from {manifest.OldestFrom} or later; this runs {UpdateVersions.Format(runningVersion)}: update to an intermediate version first.");
            }
        }

        if (manifest.Files is not { Count: > 0 and <= UpdatePackageLayout.MaxFiles })
        {
            throw new UpdatePackageException(UpdateRules.Malformed, $"The manifest must list 1 to {UpdatePackageLayout.MaxFiles} files.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        long total = 0;
        foreach (var file in manifest.Files)
        {
            UpdatePaths.Check(file.Path);
            if (!seen.Add(file.Path) || file.Size is < 0 or > UpdatePackageLayout.MaxFileBytes || file.Sha256 is not { Length: 64 } || file.Mode is < 0 or > 0x1FF)
            {
                throw new UpdatePackageException(UpdateRules.Malformed, $"The manifest's entry for '{file.Path}' is duplicated or out of bounds.");
            }

            total += file.Size;
        }

        if (total > UpdatePackageLayout.MaxProgramBytes)
        {
            throw new UpdatePackageException(UpdateRules.TooLarge, $"The program would take {total} bytes, more than {UpdatePackageLayout.MaxProgramBytes}.");
        }
    }

    private static async Task ReadFilesAsync(TarReader tar, UpdateManifest manifest, string? destination, CancellationToken cancellationToken)
    {
        var expected = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            if (!entry.Name.StartsWith(UpdatePackageLayout.FilesPrefix, StringComparison.Ordinal))
            {
                throw new UpdatePackageException(UpdateRules.FileExtra, $"The package holds '{entry.Name}', which is not a program file.");
            }

            var path = entry.Name[UpdatePackageLayout.FilesPrefix.Length..];
            UpdatePaths.Check(path);
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
            {
                throw new UpdatePackageException(UpdateRules.UnsafePath, $"The package's '{path}' is a {entry.EntryType}, not a regular file.");
            }

            if (!expected.TryGetValue(path, out var file) || !done.Add(path))
            {
                throw new UpdatePackageException(UpdateRules.FileExtra, $"The package holds '{path}', which its manifest does not list (or lists once).");
            }

            await CheckFileAsync(entry, file, destination is null ? null : UpdatePaths.Under(destination, path), cancellationToken).ConfigureAwait(false);
        }

        if (manifest.Files.FirstOrDefault(f => !done.Contains(f.Path)) is { } missing)
        {
            throw new UpdatePackageException(UpdateRules.FileMissing, $"The package lacks '{missing.Path}', which its manifest lists.");
        }
    }

    private static async Task CheckFileAsync(TarEntry entry, UpdateManifestFile file, string? target, CancellationToken cancellationToken)
    {
        if (entry.Length != file.Size)
        {
            throw new UpdatePackageException(UpdateRules.FileAltered, $"'{file.Path}' has {entry.Length} bytes; the manifest says {file.Size}.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Stream output = Stream.Null;
        if (target is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, BufferSize = CopyBufferBytes };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = file.Executable ? (UnixFileMode)0x1ED : (UnixFileMode)0x1A4;
            }

            output = new FileStream(target, options);
        }

        await using (output.ConfigureAwait(false))
        {
            var buffer = new byte[CopyBufferBytes];
            var data = entry.DataStream ?? Stream.Null;
            int read;
            while ((read = await data.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }

            if (output is FileStream written)
            {
                // On disk before the folder is renamed into place: a power cut must not leave a new version of empty files.
                await written.FlushAsync(cancellationToken).ConfigureAwait(false);
                written.Flush(flushToDisk: true);
            }
        }

        if (!string.Equals(Convert.ToHexStringLower(hash.GetHashAndReset()), file.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new UpdatePackageException(UpdateRules.FileAltered, $"'{file.Path}' does not hash to the SHA-256 its signed manifest names: it was altered.");
        }
    }

    private static async Task<byte[]> ReadSmallAsync(TarEntry entry, int limit, string what, CancellationToken cancellationToken)
    {
        if (entry.Length > limit)
        {
            throw new UpdatePackageException(UpdateRules.TooLarge, $"{what} has {entry.Length} bytes, more than {limit}.");
        }

        var bytes = new byte[entry.Length];
        await (entry.DataStream ?? Stream.Null).ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        return bytes;
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Vigil.Contracts;
using Vigil.Contracts.Updates;

namespace Vigil.Hosting.Updates;

/// <summary>
/// A feed folder of update packages with its <see cref="UpdateCatalog"/>: publishing copies packages in (each under
/// its canonical name, written aside and renamed) and rewrites <c>catalog.json</c> the same way, so a reader sees the
/// old catalog or the new one, never half of one, and never a catalog entry whose package is not complete.
/// </summary>
public static class UpdateFeed
{
    public static async Task<UpdateCatalog> PublishAsync(string feedFolder, IEnumerable<string> packageFiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(packageFiles);
        Directory.CreateDirectory(feedFolder);
        var catalog = await ReadAsync(feedFolder, cancellationToken).ConfigureAwait(false);
        var entries = catalog.Versions.ToDictionary(e => e.Version, StringComparer.Ordinal);
        foreach (var package in packageFiles)
        {
            var manifest = await UpdatePackageReader.ReadManifestUnverifiedAsync(package, cancellationToken).ConfigureAwait(false);
            var name = UpdatePackageLayout.FileName(manifest.Version);
            var (size, sha256) = await CopyAsync(package, Path.Combine(feedFolder, name), cancellationToken).ConfigureAwait(false);
            entries[manifest.Version] = new UpdateCatalogEntry(manifest.Version, name, size, sha256, manifest.OldestFrom);
        }

        var updated = new UpdateCatalog(
            UpdateCatalog.CurrentFormat,
            UpdateManifest.VigilProduct,
            [.. entries.Values.OrderByDescending(e => UpdateVersions.Parse(e.Version, "A catalog version"))]);
        var path = Path.Combine(feedFolder, UpdateCatalog.FileName);
        await File.WriteAllBytesAsync(path + ".partial", JsonSerializer.SerializeToUtf8Bytes(updated, Json), cancellationToken).ConfigureAwait(false);
        File.Move(path + ".partial", path, overwrite: true);
        return updated;
    }

    public static async Task<UpdateCatalog> ReadAsync(string feedFolder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(feedFolder, UpdateCatalog.FileName);
        if (!File.Exists(path))
        {
            return new UpdateCatalog(UpdateCatalog.CurrentFormat, UpdateManifest.VigilProduct, []);
        }

        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync<UpdateCatalog>(stream, Json, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException($"{path} is empty.");
        }
    }

    private static JsonSerializerOptions Json { get; } = new(ContractJson.Options) { WriteIndented = true };

    private static async Task<(long Size, string Sha256)> CopyAsync(string source, string target, CancellationToken cancellationToken)
    {
        var partial = target + ".partial";
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        var input = File.OpenRead(source);
        await using (input.ConfigureAwait(false))
        {
            var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None);
            await using (output.ConfigureAwait(false))
            {
                var buffer = new byte[128 * 1024];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    size += read;
                }

                output.Flush(flushToDisk: true);
            }
        }

        File.Move(partial, target, overwrite: true);
        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}

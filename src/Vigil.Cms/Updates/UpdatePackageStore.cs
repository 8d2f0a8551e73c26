using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Hosting;

namespace Vigil.Cms.Updates;

/// <summary>
/// The update packages the CMS holds, in <c>updates/</c> of its data directory (0700, files 0600), each named by its
/// SHA-256 and listed in the database. A package is kept only once verified against the trusted publisher keys; the same
/// package uploaded twice is kept once.
/// </summary>
internal sealed class UpdatePackageStore(IServiceScopeFactory scopes, CmsOptions options, TrustedUpdateKeys keys, TimeProvider time)
{
    /// <summary>The largest package accepted: a self-contained agent is about 70 MB; this leaves room and bounds the disk a bad client can fill.</summary>
    public const long MaxBytes = 1024L * 1024 * 1024;

    public const string TooLargeRule = "update.package-too-large";
    public const string NotFoundRule = "update.package-not-found";

    private string Folder => Path.Combine(options.DataDirectory, "updates");

    /// <summary>Receives a package from <paramref name="content"/>, verifies it and keeps it; refused with the reason when it is not a good package.</summary>
    public async Task<UpdatePackageView> AddAsync(Stream content, string source, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!keys.Any)
        {
            throw new RefusedException(TrustedUpdateKeys.NoKeysRule,
                "This CMS trusts no publisher key, so it accepts no update package: start it with --update-keys FILE (the publisher's public key).",
                StatusCodes.Status409Conflict);
        }

        PrivateFiles.EnsureDirectory(Folder);
        var temporary = Path.Combine(Folder, $".incoming-{Guid.NewGuid():N}");
        try
        {
            var (sha, bytes) = await ReceiveAsync(content, temporary, cancellationToken).ConfigureAwait(false);
            var manifest = await UpdatePackageCheck.VerifyAsync(temporary, keys, cancellationToken).ConfigureAwait(false);
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            if (await db.UpdatePackages.AsNoTracking().FirstOrDefaultAsync(p => p.Sha256 == sha, cancellationToken).ConfigureAwait(false) is { } known)
            {
                return ToView(known);
            }

            File.Move(temporary, PathOf(sha), overwrite: true);
            var row = new UpdatePackageRow
            {
                Version = manifest.Version, OldestFrom = manifest.OldestFrom, Sha256 = sha, Bytes = bytes, Source = source, AddedBy = actor,
                AddedAt = time.GetUtcNow(),
            };
            db.UpdatePackages.Add(row);
            db.Events.Add(EventLog.Operator(null, string.Empty, "add update package",
                $"agent update package {manifest.Version} ({source}, SHA-256 {sha}), signed by a trusted publisher key", actor, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return ToView(row);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<UpdatePackageList> ListAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var rows = await db.UpdatePackages.AsNoTracking().OrderByDescending(p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new UpdatePackageList(rows.Select(ToView).ToList());
    }

    /// <summary>The stored package <paramref name="id"/> and its file, to read from the start.</summary>
    public async Task<(UpdatePackageRow Row, string File)> FindAsync(long id, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        var row = await db.UpdatePackages.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(NotFoundRule, $"There is no update package with id {id}.", StatusCodes.Status404NotFound);
        var file = PathOf(row.Sha256);
        return File.Exists(file)
            ? (row, file)
            : throw new RefusedException(NotFoundRule, $"Update package {row.Version} is listed but its file {file} is gone; upload it again.", StatusCodes.Status409Conflict);
    }

    /// <summary>A stored package of <paramref name="version"/>, if one is held.</summary>
    public async Task<UpdatePackageRow?> FindVersionAsync(string version, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
        return await db.UpdatePackages.AsNoTracking().Where(p => p.Version == version).OrderByDescending(p => p.Id)
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    public static UpdatePackageView ToView(UpdatePackageRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new UpdatePackageView(row.Id, row.Version, row.OldestFrom, row.Sha256, row.Bytes, row.Source, row.AddedBy, row.AddedAt);
    }

    private string PathOf(string sha) => Path.Combine(Folder, sha + ".vup");

    private static async Task<(string Sha, long Bytes)> ReceiveAsync(Stream content, string file, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
        PrivateFiles.EnsureFile(file);
        long total = 0;
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > MaxBytes)
                {
                    throw new RefusedException(TooLargeRule, $"An update package may hold at most {MaxBytes / (1024 * 1024)} MiB.", StatusCodes.Status413PayloadTooLarge);
                }

                sha.AppendData(buffer, 0, read);
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }

        return (Convert.ToHexStringLower(sha.GetHashAndReset()), total);
    }
}

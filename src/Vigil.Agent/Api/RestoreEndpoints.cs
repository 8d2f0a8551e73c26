using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Recording;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>
/// Receives the footage a standby recorded for this server while it was down. The file is written
/// beside the space under a temporary name, checked against its SHA-256, then moved into the camera's
/// folder and catalogued as this server's own recording. A crash at any point leaves either nothing or
/// a complete file, and sending the same recording again is harmless, so the copy can always resume.
/// </summary>
internal static partial class RestoreEndpoints
{
    private const string RestoredPrefix = "restored-";

    public static void Map(RouteGroupBuilder secured) =>
        secured.MapPut(AgentRoutes.RestoredRecordings, ReceiveAsync);

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, string? camera, RecordingKind? kind, long? start, long? end, long? bytes, string? sha256, string? folder,
        string? file, RecordingSpaces spaces, RecordingCatalog catalog, AuditLog audit, CancellationToken cancellationToken)
    {
        if (camera is null || !AgentValidation.IsIdentifier(camera) || kind is null || start is null || end is null || end < start || bytes is null or < 0
            || sha256 is null || !Sha256Hex().IsMatch(sha256) || folder is null || !SafeName().IsMatch(folder) || file is null
            || !SafeName().IsMatch(file))
        {
            return Problems.Refuse("restore.invalid-request",
                "A restored recording needs camera, kind, start, end (ms), bytes, sha256 and the folder and file names it had.");
        }

        // A segment can be larger than Kestrel's default body limit; the checksum guards what is kept.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var space = spaces.OwnSpace();
        if (space is null)
        {
            return Problems.Refuse("restore.no-space", "This server has no recording space for its own recordings.", StatusCodes.Status507InsufficientStorage);
        }

        var subfolder = kind == RecordingKind.Snapshot ? "snapshots" : folder;
        var relative = Path.Combine(RecordingTarget.Folder(AgentRoutes.OwnRecordings, camera), subfolder, RestoredPrefix + file);
        if (catalog.Find(space, relative) is { } existing)
        {
            return string.Equals(existing.Sha256, sha256, StringComparison.OrdinalIgnoreCase)
                ? Results.Ok(existing.ToContract())
                : Conflict(relative, existing.Sha256, sha256);
        }

        var target = Path.Combine(space, relative);
        var temporary = Path.Combine(space, ".restoring", $"{Guid.NewGuid():N}.part");
        Directory.CreateDirectory(Path.GetDirectoryName(temporary)!);
        try
        {
            string actual;
            long length;
            var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            await using (output.ConfigureAwait(false))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buffer = new byte[81920];
                int read;
                while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
                actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                length = output.Length;
            }

            if (length != bytes || !string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
            {
                return Problems.Refuse("restore.checksum-mismatch",
                    $"The received {length} bytes hash to {actual}, not the {bytes} bytes with SHA-256 {sha256} announced; nothing was kept.",
                    StatusCodes.Status422UnprocessableEntity);
            }

            var startAt = DateTimeOffset.FromUnixTimeMilliseconds(start.Value);
            var endAt = DateTimeOffset.FromUnixTimeMilliseconds(end.Value);

            // A crash between an earlier move and its catalog entry leaves a complete file here: never replace different footage.
            if (File.Exists(target) && await Sha256OfAsync(target, cancellationToken).ConfigureAwait(false) is var kept
                && !string.Equals(kept, actual, StringComparison.Ordinal))
            {
                return Conflict(relative, kept, actual);
            }

            // Recovery after a crash between the move and the catalog reads the span from the file's time.
            File.SetLastWriteTimeUtc(temporary, endAt.UtcDateTime);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(temporary, target, overwrite: true);
            var entry = catalog.Add(new CatalogEntry(0, AgentRoutes.OwnRecordings, camera, kind.Value, startAt, endAt, length, actual, space, relative));
            audit.Record(request.HttpContext, "restore.receive", $"{relative} ({length} bytes, SHA-256 {actual})");
            return Results.Ok(entry.ToContract());
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static IResult Conflict(string relative, string kept, string offered) =>
        Problems.Conflict("restore.conflict",
            $"{relative} is here already with SHA-256 {kept}, not {offered}; the footage kept is not replaced.");

    private static async Task<string> Sha256OfAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }
    }

    [GeneratedRegex(@"^[0-9a-fA-F]{64}\z")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex SafeName();
}

using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Vigil.Agent.Api;
using Vigil.Agent.Recording;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Restore;

/// <summary>
/// Keeps the footage a standby recorded for this server while it was down, whether the CMS sends it or this server fetches
/// it. The bytes go to a partial file named by camera, kind, checksum and start beside the space; a copy cut off part way (the
/// sender gone, this agent killed) keeps what arrived, and a later copy continues from that offset. The whole file is
/// checked against its SHA-256, then moved into the camera's folder and catalogued as this server's own recording (beside,
/// never over, different footage of the same name). A crash at any point leaves a partial file, or a complete checked one,
/// and receiving the same recording again is harmless, so the copy can always resume. Nothing is written unless the space
/// can hold the rest of the file above its reserve, and bytes beyond the announced size are cut off.
/// </summary>
internal sealed partial class RestoredFiles(RecordingSpaces spaces, RecordingCatalog catalog, RestoredCatalogWriter writer)
{
    private const string RestoredPrefix = "restored-";
    internal const string PartialFolder = ".restoring";
    /// <summary>
    /// What one read of the incoming bytes takes at most, and so what a copy cut off by a kill may have to send again. A
    /// mebibyte keeps the per-read cost (a read, a hash step and a write) small against a large file's bytes.
    /// </summary>
    internal const int BufferBytes = 1024 * 1024;

    private static readonly Lock Naming = new();

    /// <summary>Why a described recording cannot be received at all; null when it may be.</summary>
    public static string? Invalid(RestoredRecording? recording, long from) =>
        recording is null || !AgentValidation.IsIdentifier(recording.CameraId) || recording.End < recording.Start || recording.Bytes < 0
        || !AgentValidation.IsSha256(recording.Sha256) || recording.Folder is null || !SafeName().IsMatch(recording.Folder)
        || recording.FileName is null || !SafeName().IsMatch(recording.FileName) || from < 0 || from > recording.Bytes
            ? "A restored recording needs camera, kind, start, end (ms), bytes, sha256, the folder and file names it had, and an offset within it."
            : null;

    /// <summary>Which of the recordings are home already, in whole or in part; a complete one at the time it was recorded.</summary>
    public IReadOnlyList<RestoreHolding> Held(IReadOnlyCollection<RecordingIdentity> recordings)
    {
        var complete = catalog.Held(AgentRoutes.OwnRecordings, recordings);
        var space = spaces.OwnSpace();
        var held = new List<RestoreHolding>();
        foreach (var recording in recordings)
        {
            var whole = complete.Contains(recording);
            var partial = space is null || whole || recording.Start is not { } start
                ? 0
                : PartialLength(PartialPath(space, recording.CameraId, recording.Kind, recording.Sha256, start));
            if (whole || partial > 0)
            {
                held.Add(new RestoreHolding(recording.CameraId, recording.Kind, recording.Sha256, whole, partial, recording.Start, recording.End));
            }
        }

        return held;
    }

    /// <summary>Writes <paramref name="body"/> (the recording's bytes from <paramref name="from"/> on) and keeps the file once all of it is here and checked.</summary>
    public async Task<RestoreOutcome> ReceiveAsync(
        HttpContext context, RestoredRecording recording, long from, Stream body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        ArgumentNullException.ThrowIfNull(body);
        var space = spaces.OwnSpace();
        if (space is null)
        {
            return RestoreOutcome.Refused("restore.no-space", "This server has no recording space for its own recordings.", StatusCodes.Status507InsufficientStorage);
        }

        var (camera, kind, bytes, file) = (recording.CameraId, recording.Kind, recording.Bytes, recording.FileName);
        var sha256 = recording.Sha256.ToLowerInvariant();
        var subfolder = kind == RecordingKind.Snapshot ? "snapshots" : recording.Folder;
        var folderPath = Path.Combine(RecordingTarget.Folder(AgentRoutes.OwnRecordings, camera), subfolder);
        var relative = Path.Combine(folderPath, Names(file, sha256, recording.Start).First());
        if (Names(file, sha256, recording.Start).Select(name => catalog.Find(space, Path.Combine(folderPath, name)))
            .FirstOrDefault(e => e is not null && IsThis(e, sha256, recording.Start, recording.End)) is { } home)
        {
            return new RestoreOutcome(home.ToContract());
        }

        var partial = PartialPath(space, camera, kind, sha256, recording.Start);
        Directory.CreateDirectory(Path.GetDirectoryName(partial)!);
        FileStream output;
        try
        {
            output = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, BufferBytes, useAsync: true);
        }
        catch (IOException)
        {
            return RestoreOutcome.Refused("restore.busy", $"{relative} is being received already; try again when that copy ends.", StatusCodes.Status409Conflict);
        }

        await using (output.ConfigureAwait(false))
        {
            if (from > output.Length)
            {
                return RestoreOutcome.Refused("restore.offset-ahead",
                    $"Only {output.Length} bytes of {relative} are here; continue from there, not from {from}.", StatusCodes.Status409Conflict);
            }

            var free = FreeBytes(space);
            if (free - RecordingSpaces.MinimumFreeBytes < bytes - from)
            {
                return RestoreOutcome.Refused("restore.space-full",
                    $"The recording space {space} has {Mib(free)} MiB free and keeps {Mib(RecordingSpaces.MinimumFreeBytes)} MiB in reserve; "
                    + $"{relative} needs {Mib(bytes - from)} MiB more. Nothing was written; the copy resumes when space frees.",
                    StatusCodes.Status507InsufficientStorage);
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            // Pooled: a buffer this size is a large object, and a restore of many small segments would make one per file.
            var buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
            try
            {
                await HashPrefixAsync(output, from, hash, buffer, cancellationToken).ConfigureAwait(false);
                output.SetLength(from);
                output.Position = from;
                var length = from;
                var written = from;
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (length + read > bytes)
                    {
                        File.Delete(partial);
                        return RestoreOutcome.Refused("restore.too-large",
                            $"More than the announced {bytes} bytes of {relative} arrived; the copy was cut off and nothing was kept.",
                            StatusCodes.Status413RequestEntityTooLarge);
                    }

                    hash.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    length += read;
                    if (length - written >= DiskWriteback.Step)
                    {
                        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                        DiskWriteback.Start(output.SafeFileHandle, written, length - written);
                        written = length;
                    }
                }

                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
                if (length < bytes)
                {
                    return RestoreOutcome.Refused("restore.incomplete",
                        $"{length} of the {bytes} bytes of {relative} are here; a copy from offset {length} continues it.", StatusCodes.Status422UnprocessableEntity);
                }

                var actual = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (!string.Equals(actual, sha256, StringComparison.Ordinal))
                {
                    File.Delete(partial);
                    return RestoreOutcome.Refused("restore.checksum-mismatch",
                        $"The received {length} bytes hash to {actual}, not the {bytes} bytes with SHA-256 {sha256} announced; nothing was kept.",
                        StatusCodes.Status422UnprocessableEntity);
                }

                // Moved while this copy still holds the partial file, so no second copy of it can write into the kept file.
                return Keep(context, partial, space, folderPath, file, camera, kind, recording.Start, recording.End, length, actual);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>
    /// Moves a checked file to the first of its names that is free or holds these very bytes, and catalogs it. The name is
    /// chosen and taken one file at a time in this process (two recordings of the same name arriving together must not both
    /// take it); the catalog entry is written after, in a group commit with the files kept meanwhile. A name taken but not
    /// yet catalogued holds its file already, which the next file of that name finds and hashes.
    /// </summary>
    private RestoreOutcome Keep(
        HttpContext context, string partial, string space, string folder, string file, string camera, RecordingKind kind, DateTimeOffset startAt,
        DateTimeOffset endAt, long length, string sha256)
    {
        string? taken = null;
        lock (Naming)
        {
            foreach (var relative in Names(file, sha256, startAt).Select(name => Path.Combine(folder, name)))
            {
                var target = Path.Combine(space, relative);
                if (catalog.Find(space, relative) is { } existing)
                {
                    if (IsThis(existing, sha256, startAt, endAt))
                    {
                        File.Delete(partial);
                        return new RestoreOutcome(existing.ToContract());
                    }

                    continue;
                }

                // A file left by a crash between an earlier move and its catalog entry (or kept a moment ago and not yet
                // catalogued): the same bytes are simply catalogued, other footage is never replaced.
                if (File.Exists(target) && !string.Equals(Sha256Of(target), sha256, StringComparison.Ordinal))
                {
                    continue;
                }

                // Recovery after a crash between the move and the catalog reads the span from the file's time.
                File.SetLastWriteTimeUtc(partial, endAt.UtcDateTime);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Move(partial, target, overwrite: true);
                taken = relative;
                break;
            }
        }

        if (taken is null)
        {
            return RestoreOutcome.Refused("restore.conflict", $"Every name for {file} in {folder} holds different footage; the footage kept is not replaced.", StatusCodes.Status409Conflict);
        }

        var entry = writer.Add(
            new CatalogEntry(0, AgentRoutes.OwnRecordings, camera, kind, startAt, endAt, length, sha256, space, taken),
            AuditEndpoints.Caller(context), $"{taken} ({length} bytes, SHA-256 {sha256})");
        return new RestoreOutcome(entry.ToContract());
    }

    /// <summary>
    /// Where the bytes of a recording on its way home wait until they are all here and checked. Named by its start too: a
    /// dark camera's segments of the same bytes from other times are other files, received side by side, not refused as busy.
    /// </summary>
    private static string PartialPath(string space, string camera, RecordingKind kind, string sha256, DateTimeOffset start) =>
        Path.Combine(space, PartialFolder, string.Create(CultureInfo.InvariantCulture, $"{camera}.{kind}.{sha256.ToLowerInvariant()}.{start.ToUnixTimeMilliseconds()}.part"));

    private static long PartialLength(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? info.Length : 0;
    }

    /// <summary>Hashes the first <paramref name="count"/> bytes already kept, so the checksum covers the whole file after a resume.</summary>
    private static async Task HashPrefixAsync(FileStream file, long count, IncrementalHash hash, byte[] buffer, CancellationToken cancellationToken)
    {
        file.Position = 0;
        var left = count;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"{file.Name} ended before the {count} bytes it held.");
            }

            hash.AppendData(buffer, 0, read);
            left -= read;
        }
    }

    private static long FreeBytes(string space)
    {
        try
        {
            return new DriveInfo(space).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return 0;
        }
    }

    private static long Mib(long bytes) => bytes / (1024 * 1024);

    /// <summary>
    /// The names a restored file may take: the standby's name after "restored-", or, when that name holds different footage
    /// here (two outages whose standbys named files alike), the same with the checksum's start added, so both are kept; or,
    /// when that holds the same bytes recorded at another time (two standbys' clocks apart, or an unchanging picture),
    /// also with the start of its span, so each time has its recording.
    /// </summary>
    private static IEnumerable<string> Names(string file, string sha256, DateTimeOffset start)
    {
        var stem = RestoredPrefix + Path.GetFileNameWithoutExtension(file);
        var extension = Path.GetExtension(file);
        yield return RestoredPrefix + file;
        yield return stem + "-" + sha256[..16] + extension;
        yield return stem + "-" + sha256[..16] + "-" + start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + extension;
    }

    /// <summary>An entry holding these bytes at a time that overlaps the recording's is this recording, already home.</summary>
    private static bool IsThis(CatalogEntry entry, string sha256, DateTimeOffset start, DateTimeOffset end) =>
        string.Equals(entry.Sha256, sha256, StringComparison.OrdinalIgnoreCase) && RecordingSpan.Holds(entry.Start, entry.End, start, end);

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\z")]
    private static partial Regex SafeName();
}

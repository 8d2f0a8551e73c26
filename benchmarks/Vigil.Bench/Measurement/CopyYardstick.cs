using System.Diagnostics;
using System.Globalization;

namespace Vigil.Bench.Measurement;

/// <summary>
/// What a restore is held against: <c>cp</c> copying the same files to the same disk in the same run. Timed twice over
/// one copy: <c>cp</c> alone, which ends with the bytes in the page cache, and <c>cp</c> then <c>sync</c> of each copy,
/// which ends with them on the disk, as a restored file is (fsynced) before its agent catalogues it.
/// </summary>
public static class CopyYardstick
{
    /// <summary>Copies each folder's files into a folder of its own under <paramref name="root"/> (names repeat across cameras), then removes the copies.</summary>
    public static async Task<CopyRates> MeasureAsync(IReadOnlyList<IReadOnlyList<FileInfo>> folders, string root, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var target = Directory.CreateDirectory(Path.Combine(root, "cp-" + Guid.NewGuid().ToString("N"))).FullName;
        try
        {
            var copies = new List<string>();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < folders.Count; i++)
            {
                var into = Directory.CreateDirectory(Path.Combine(target, i.ToString(CultureInfo.InvariantCulture))).FullName;
                foreach (var chunk in folders[i].Chunk(500))
                {
                    await RunAsync("cp", [.. chunk.Select(f => f.FullName), into], cancellationToken);
                    copies.AddRange(chunk.Select(f => Path.Combine(into, f.Name)));
                }
            }

            var copied = clock.Elapsed.TotalSeconds;

            // coreutils' sync given files fsyncs each of them, as the restore does each file it keeps.
            foreach (var chunk in copies.Chunk(500))
            {
                await RunAsync("sync", chunk, cancellationToken);
            }

            var bytes = folders.Sum(files => files.Sum(f => f.Length));
            return new CopyRates(bytes / copied, bytes / clock.Elapsed.TotalSeconds);
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    private static async Task RunAsync(string program, string[] arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(program, arguments);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
        }
    }
}

/// <summary>Bytes per second of <c>cp</c> alone (<paramref name="Copy"/>) and of <c>cp</c> with the copies fsynced (<paramref name="Synced"/>).</summary>
public sealed record CopyRates(double Copy, double Synced)
{
    /// <summary>For an outage whose copy is not timed.</summary>
    public static CopyRates None { get; } = new(double.NaN, double.NaN);
}

using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Vigil.Bench.Measurement;
using Vigil.Bench.Site;
using Vigil.Contracts.Cms;
using Vigil.Testing;

namespace Vigil.Bench.Scenarios;

/// <summary>
/// The restore at size, on real processes: a recording agent is SIGKILLed, the standby takes over, and while it records the
/// outage is made large by adding footage to the standby's failover folder and catalog (random bytes: only their size and
/// checksum matter to a copy). The agent comes back, fails back and gets it all home. One failover outage is many 2-second
/// segments, the other a few large files. Each gives the restore's throughput against <c>cp</c> of the same files on the
/// same disk, and the peak memory of the CMS and of both agents.
/// </summary>
public sealed class RestoreScenario : IScenario
{
    private const int MiB = 1024 * 1024;

    public string Name => "restore";

    public string Title => "Restore at size: many segments and large files (real agents, real ffmpeg)";

    public int Order => 25;

    public async Task<ScenarioResult> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var outages = options.Quick
            ? new[] { new Outage("2-second segments", 300, MiB / 2), new Outage("large files", 2, 64 * MiB) }
            : [new Outage("2-second segments", 3000, MiB / 2), new Outage("large files", 3, 256 * MiB)];
        await using var site = await RealSite.StartAsync(1, cancellationToken);
        var recording = await site.StartAgentAsync("rec", 1);
        var standby = await site.StartAgentAsync("standby");
        var rec = await site.AddAsync(recording, ServerRoleName.Recording, cancellationToken);
        var sb = await site.AddAsync(standby, ServerRoleName.Standby, cancellationToken);

        var figures = new List<Figure>();
        var notes = new List<string>();
        foreach (var outage in outages)
        {
            var (trial, next) = await RunOutageAsync(site, rec.Id, sb.Id, recording, standby, outage, cancellationToken);
            recording = next;
            options.Log.WriteLine(Invariant(
                $"  {outage.Name}: {trial.Files} files, {trial.Bytes / 1e6:0} MB restored in {trial.Seconds:0.0} s = {trial.Rate / 1e6:0.0} MB/s; cp {trial.Copy.Copy / 1e6:0.0} MB/s, with sync {trial.Copy.Synced / 1e6:0.0} MB/s; ratios {trial.Rate / trial.Copy.Copy:0.000} and {trial.Rate / trial.Copy.Synced:0.000}; peak memory CMS {trial.CmsPeak / MiB} MiB, original {trial.OriginalPeak / MiB} MiB, standby {trial.StandbyPeak / MiB} MiB"));
            figures.Add(new Figure(Invariant($"restore throughput ÷ cp, {outage.Name}"), "ratio", [trial.Rate / trial.Copy.Copy], "≥ 0.8", trial.Rate / trial.Copy.Copy >= 0.8,
                Invariant($"{trial.Files} files of {trial.Bytes / 1e6:0} MB in all (of them {outage.Count} × {outage.Bytes / (double)MiB:0.#} MiB added to the outage) copied home in {trial.Seconds:0.0} s, from the failover's move into `restoring` to its move out: {trial.Rate / 1e6:0.0} MB/s, against `cp` of the same restored files on the same disk right after at {trial.Copy.Copy / 1e6:0.0} MB/s.")));
            figures.Add(new Figure(Invariant($"restore throughput ÷ cp and sync, {outage.Name}"), "ratio", [trial.Rate / trial.Copy.Synced], "– (the same bytes on the disk, as restored files are)", null,
                Invariant($"The same restore against the same `cp` followed by a `sync` of each copy, which fsyncs it as the restore fsyncs each file it keeps: {trial.Copy.Synced / 1e6:0.0} MB/s. `cp` alone ends with the bytes in the page cache; this is what this disk takes to hold them.")));
            figures.Add(new Figure(Invariant($"peak memory during the restore, {outage.Name}"), "MiB",
                [trial.CmsPeak / (double)MiB, trial.OriginalPeak / (double)MiB, trial.StandbyPeak / (double)MiB], "bounded (nothing holds an episode's listing)", null,
                Invariant($"Peak resident memory (VmHWM) of the CMS ({trial.CmsPeak / MiB} MiB, the whole run so far), the original ({trial.OriginalPeak / MiB} MiB, since its restart) and the standby ({trial.StandbyPeak / MiB} MiB, the whole run so far).")));
        }

        notes.Add("One site of real `vigil` processes on 127.0.0.1: a camera simulator with one camera, a CMS on SQLite with default settings (no bandwidth limit), a recording agent and a standby. Each outage is one failover; the footage added to it is random bytes catalogued on the standby as failover recordings of its camera, so the restore copies, hashes and catalogues it like any segment.");
        notes.Add(RestoreBound);
        return new ScenarioResult(figures, [], notes);
    }

    /// <summary>One failover whose outage is made <paramref name="outage"/>-sized, failed back and restored; the agent back, and what it took.</summary>
    internal static async Task<(Trial Trial, VigilProcess Recording)> RunOutageAsync(
        RealSite site, int rec, int sb, VigilProcess recording, VigilProcess standby, Outage outage, CancellationToken cancellationToken)
    {
        await site.WaitStatusAsync(rec, "normal_protected", cancellationToken);
        await site.WaitStatusAsync(sb, "normal_ready", cancellationToken);
        await recording.KillTreeAsync();
        var failover = await Eventually.GetAsync(async () =>
            (await site.Api.GetAsync<FailoverList>(CmsRoutes.Failovers, cancellationToken)).Failovers.SingleOrDefault(f => f.Phase == "active"),
            TimeSpan.FromSeconds(60), "the standby to take over");
        var key = failover.FootageKey;
        await Eventually.UntilAsync(() => site.Segments("standby", "failover", key).Count > 0, TimeSpan.FromSeconds(60), "the standby's first segment");
        await AddFootageAsync(site.DataOf("standby"), key, outage, cancellationToken);

        var before = Restored(site).Select(f => f.FullName).ToHashSet(StringComparer.Ordinal);
        recording = await site.StartAgentAsync("rec");
        var done = await Eventually.GetAsync(async () =>
        {
            var latest = await site.Api.GetAsync<FailoverView>(CmsRoutes.ServerRestore(rec), cancellationToken);
            return latest.Id == failover.Id && latest.Phase == "completed" ? latest : null;
        }, TimeSpan.FromMinutes(30) + TimeSpan.FromMilliseconds(20.0 * outage.Count), "failback and restore to complete");

        var events = (await site.Api.GetAsync<EventList>($"{CmsRoutes.Events}?server={rec}&limit=50", cancellationToken)).Events.Where(e => e.At >= failover.StartedAt).ToList();
        var started = events.First(e => e.Kind == "failover" && e.To == "restoring" && e.From != "restoring").At;
        var ended = events.First(e => e.Kind == "failover" && e.From == "restoring" && e.To != "restoring").At;
        var completed = events.First(e => e.Kind == "failover" && e.To == "completed").At;
        var seconds = Math.Max((ended - started).TotalSeconds, 0.001);
        var copies = outage.TimeCopy
            ? await CopyYardstick.MeasureAsync(
                Restored(site).Where(f => !before.Contains(f.FullName)).GroupBy(f => f.DirectoryName).Select(g => (IReadOnlyList<FileInfo>)[.. g]).ToList(), site.Root, cancellationToken)
            : CopyRates.None;
        var trial = new Trial(done.Restore.FilesTotal, done.Restore.BytesTotal, seconds, (completed - ended).TotalSeconds, done.Restore.BytesTotal / seconds, copies,
            PeakMemory(site.Cms), PeakMemory(recording), PeakMemory(standby));
        return (trial, recording);
    }

    private static List<FileInfo> Restored(RealSite site)
    {
        var folder = new DirectoryInfo(Path.Combine(site.DataOf("rec"), "space1", "own"));
        return folder.Exists ? folder.EnumerateFiles("restored-*", SearchOption.AllDirectories).ToList() : [];
    }

    /// <summary>Writes the outage's extra footage into the standby's failover folder and catalogs it there, in one transaction.</summary>
    private static async Task AddFootageAsync(string standbyData, string key, Outage outage, CancellationToken cancellationToken)
    {
        var space = Path.GetFullPath(Path.Combine(standbyData, "space1"));
        var perCamera = (outage.Count + outage.Cameras - 1) / outage.Cameras;
        var start = TimeProvider.System.GetUtcNow().AddSeconds(-2 * perCamera);
        for (var camera = 1; camera <= outage.Cameras; camera++)
        {
            Directory.CreateDirectory(Path.Combine(space, "failover", key, Invariant($"cam-{camera}"), "added"));
        }

        var buffer = new byte[outage.Bytes];
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(standbyData, "agent.db"), DefaultTimeout = 60 }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        for (var i = 0; i < outage.Count; i++)
        {
            RandomNumberGenerator.Fill(buffer);
            var (camera, slot) = ((i % outage.Cameras) + 1, i / outage.Cameras);
            var relative = Path.Combine("failover", key, Invariant($"cam-{camera}"), "added", Invariant($"added-{slot:D6}.ts"));
            await File.WriteAllBytesAsync(Path.Combine(space, relative), buffer, cancellationToken);
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO recordings(owner, camera, kind, start_ms, end_ms, bytes, sha256, space, relative_path)
                VALUES($owner, $camera, 'Video', $start, $end, $bytes, $sha, $space, $path)
                """;
            insert.Parameters.AddWithValue("$owner", key);
            insert.Parameters.AddWithValue("$camera", Invariant($"cam-{camera}"));
            insert.Parameters.AddWithValue("$start", start.AddSeconds(2 * slot).ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$end", start.AddSeconds((2 * slot) + 2).ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$bytes", buffer.Length);
            insert.Parameters.AddWithValue("$sha", Convert.ToHexStringLower(SHA256.HashData(buffer)));
            insert.Parameters.AddWithValue("$space", space);
            insert.Parameters.AddWithValue("$path", relative);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The process's peak resident memory (VmHWM), in bytes.</summary>
    private static long PeakMemory(VigilProcess process)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private const string RestoreBound =
        "How the restore goes: the CMS reads the standby's catalog a page at a time and hands each page to the original, which fetches it straight from the "
        + "standby (one HTTP hop, eight files at a time, with a read-only grant for that footage; the bytes never pass the CMS), hashes each file (SHA-256), "
        + "fsyncs it and catalogues it with its audit entry in a group commit (files kept while one commit runs share the next). `cp` only reads and writes "
        + "page-cached bytes. What bounds the rest: per file, an HTTP request, an fsync and its share of a commit; per page, a listing and a pull call; and "
        + "the two cores, shared by both agents, their ffmpeg, the CMS and the camera simulator.";

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Footage added to one outage: <paramref name="Count"/> files of <paramref name="Bytes"/>, spread over <paramref name="Cameras"/> cameras;
    /// <paramref name="TimeCopy"/> false skips the <c>cp</c> yardstick, whose rate is then NaN.
    /// </summary>
    internal sealed record Outage(string Name, int Count, int Bytes, int Cameras = 1, bool TimeCopy = true);

    /// <summary>What one outage took: <paramref name="CleanupSeconds"/> from leaving <c>restoring</c> until the standby held none of it.</summary>
    internal sealed record Trial(int Files, long Bytes, double Seconds, double CleanupSeconds, double Rate, CopyRates Copy, long CmsPeak, long OriginalPeak, long StandbyPeak);
}

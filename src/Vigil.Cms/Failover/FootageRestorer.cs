using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Agents;
using Vigil.Cms.Inventory;
using Vigil.Cms.Metrics;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// Copies every segment and snapshot the standbys recorded during an episode to the recording server,
/// file by file: the bytes stream from the standby through the CMS to the recording server, which keeps
/// a file only if it hashes to the standby's SHA-256. Every standby that may hold footage is first told to
/// release the takeover (idempotent), so none goes on recording for an episode that is failing back and
/// every file it wrote is catalogued; one that does not answer holds the restore until it does. What is
/// already home is read from the recording server's own catalog each time, so a copy interrupted by any
/// crash resumes where it stopped and never copies a file twice.
/// </summary>
internal sealed class FootageRestorer(CmsDbContext db, IAgentConnections agents, SettingsStore settings, CmsMetrics metrics, TimeProvider time)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    /// <summary>Copies what is missing; answers <see cref="RestoreCompleted"/> once all is home, null to try again later.</summary>
    public async Task<FailoverInput?> RestoreAsync(
        FailoverEpisode episode, Func<RestoreProgress, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(report);
        var footage = await ReadAsync(episode, cancellationToken).ConfigureAwait(false);
        if (footage is null)
        {
            return null;
        }

        if (footage.Target is null)
        {
            return new StepFailed("the recording server to restore to is no longer managed");
        }

        try
        {
            await CopyMissingAsync(footage, report, cancellationToken).ConfigureAwait(false);
            return new RestoreCompleted();
        }
        catch (AgentCallException)
        {
            return null;
        }
    }

    /// <summary>
    /// The cleanup of an episode whose footage must be home: copies anything still missing, then asks each
    /// standby to delete only the files whose checksums the recording server holds. Answers
    /// <see cref="CleanupCompleted"/> when nothing of the episode is left on any standby.
    /// </summary>
    public async Task<FailoverInput?> RemoveHomeFootageAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var footage = await ReadAsync(episode, cancellationToken).ConfigureAwait(false);
        if (footage?.Target is null)
        {
            return null;
        }

        try
        {
            await CopyMissingAsync(footage, _ => Task.CompletedTask, cancellationToken).ConfigureAwait(false);
            var home = await AlreadyHomeAsync(footage.Target, footage.Sources, cancellationToken).ConfigureAwait(false);
            var epoch = await FailoverLedger.CurrentEpochAsync(db, cancellationToken).ConfigureAwait(false);
            var remaining = 0;
            foreach (var holder in footage.Holders)
            {
                var confirmed = footage.Sources.Where(s => s.Client == holder && home.Contains(Identity(s.Recording)))
                    .Select(s => s.Recording.Sha256).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var result = await holder.RemoveFootageAsync(footage.Key, new FootageRemoval(epoch.Value, confirmed), cancellationToken).ConfigureAwait(false);
                remaining += result.Remaining;
            }

            return remaining == 0 ? new CleanupCompleted() : null;
        }
        catch (AgentCallException)
        {
            return null;
        }
    }

    /// <summary>Releases every holder and lists its footage; null when one of them does not answer.</summary>
    private async Task<EpisodeFootage?> ReadAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var key = EpisodeRecords.FootageKey(episode.Id);
        var target = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == episode.RecordingServer.Value, cancellationToken).ConfigureAwait(false);
        var epoch = await FailoverLedger.CurrentEpochAsync(db, cancellationToken).ConfigureAwait(false);
        var holders = new List<IAgentApi>();
        var sources = new List<(IAgentApi Client, Recording Recording)>();
        var everyone = true;
        foreach (var id in episode.FootageOn)
        {
            var standby = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id.Value, cancellationToken).ConfigureAwait(false);
            if (standby is null)
            {
                continue;
            }

            // Every holder is told to release, even after one did not answer: none goes on recording for an episode failing back.
            var client = agents.For(standby);
            try
            {
                await client.ReleaseAsync(key, epoch.Value, cancellationToken).ConfigureAwait(false);
                var list = await client.RecordingsAsync(key, null, null, cancellationToken).ConfigureAwait(false);
                holders.Add(client);
                sources.AddRange(list.Recordings.Select(r => (client, r)));
            }
            catch (AgentCallException)
            {
                everyone = false;
            }
        }

        return everyone ? new EpisodeFootage(key, target is null ? null : agents.For(target), holders, sources) : null;
    }

    private async Task CopyMissingAsync(EpisodeFootage footage, Func<RestoreProgress, Task> report, CancellationToken cancellationToken)
    {
        var sources = footage.Sources;
        if (sources.Count == 0)
        {
            return;
        }

        var home = footage.Target!;
        var restored = await AlreadyHomeAsync(home, sources, cancellationToken).ConfigureAwait(false);
        var pending = sources.Where(s => !restored.Contains(Identity(s.Recording))).ToList();
        var progress = new RestoreProgress(
            sources.Sum(s => s.Recording.Bytes) - pending.Sum(s => s.Recording.Bytes), sources.Sum(s => s.Recording.Bytes),
            sources.Count - pending.Count, sources.Count);
        await report(progress).ConfigureAwait(false);
        var began = time.GetUtcNow();
        var lastReport = began;
        long copiedNow = 0;
        foreach (var (client, recording) in pending)
        {
            await CopyAsync(client, home, recording, cancellationToken).ConfigureAwait(false);
            metrics.FileRestored(recording.Bytes);
            copiedNow += recording.Bytes;
            await KeepToBandwidthAsync(began, copiedNow, cancellationToken).ConfigureAwait(false);
            progress = progress with { BytesCopied = progress.BytesCopied + recording.Bytes, FilesCopied = progress.FilesCopied + 1 };
            if (time.GetUtcNow() - lastReport >= ProgressEvery)
            {
                await report(progress).ConfigureAwait(false);
                lastReport = time.GetUtcNow();
            }
        }

        await report(progress).ConfigureAwait(false);
    }

    /// <summary>Waits until copying <paramref name="copied"/> bytes since <paramref name="began"/> keeps within the bandwidth limit.</summary>
    private async Task KeepToBandwidthAsync(DateTimeOffset began, long copied, CancellationToken cancellationToken)
    {
        var limit = settings.Failover.RestoreBandwidthBytesPerSecond;
        if (limit <= 0)
        {
            return;
        }

        var ahead = TimeSpan.FromSeconds((double)copied / limit) - (time.GetUtcNow() - began);
        if (ahead > TimeSpan.Zero)
        {
            await Task.Delay(ahead, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task CopyAsync(IAgentApi from, IAgentApi to, Recording recording, CancellationToken cancellationToken)
    {
        var folder = recording.Start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var described = new RestoredRecording(recording.CameraId, recording.Kind, recording.Start, recording.End, recording.Bytes, recording.Sha256, folder, recording.FileName);
        return from.ReadRecordingAsync(recording.Id, content => to.RestoreAsync(described, content, cancellationToken), cancellationToken);
    }

    /// <summary>The failover recordings the recording server's catalog already holds, by camera and checksum.</summary>
    private static async Task<HashSet<string>> AlreadyHomeAsync(
        IAgentApi home, IReadOnlyList<(IAgentApi Client, Recording Recording)> sources, CancellationToken cancellationToken)
    {
        if (sources.Count == 0)
        {
            return [];
        }

        var from = sources.Min(s => s.Recording.Start).AddSeconds(-1);
        var to = sources.Max(s => s.Recording.End).AddSeconds(1);
        var own = await home.RecordingsAsync(AgentRoutes.OwnRecordings, from, to, cancellationToken).ConfigureAwait(false);
        return own.Recordings.Select(Identity).ToHashSet(StringComparer.Ordinal);
    }

    private static string Identity(Recording recording) => $"{recording.CameraId}/{recording.Kind}/{recording.Sha256}";

    private sealed record EpisodeFootage(
        string Key, IAgentApi? Target, IReadOnlyList<IAgentApi> Holders, IReadOnlyList<(IAgentApi Client, Recording Recording)> Sources);
}

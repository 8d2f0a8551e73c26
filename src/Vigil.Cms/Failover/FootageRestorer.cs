using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Agents;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Failover;

/// <summary>
/// Copies every segment and snapshot the standbys recorded during an episode to the recording server,
/// file by file: the bytes stream from the standby through the CMS to the recording server, which keeps
/// a file only if it hashes to the standby's SHA-256. What is already home is read from the recording
/// server's own catalog each time, so a copy interrupted by any crash resumes where it stopped and
/// never copies a file twice.
/// </summary>
internal sealed class FootageRestorer(CmsDbContext db, AgentClients clients, SettingsStore settings, TimeProvider time)
{
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    /// <summary>Copies what is missing; answers <see cref="RestoreCompleted"/> once all is home, null to try again later.</summary>
    public async Task<FailoverInput?> RestoreAsync(
        FailoverEpisode episode, Func<RestoreProgress, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(report);
        var target = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == episode.RecordingServer.Value, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return new StepFailed("the recording server to restore to is no longer managed");
        }

        var key = EpisodeRecords.FootageKey(episode.Id);
        var sources = new List<(AgentClient Client, Recording Recording)>();
        try
        {
            foreach (var id in episode.FootageOn)
            {
                var standby = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id.Value, cancellationToken).ConfigureAwait(false);
                if (standby is not null)
                {
                    var client = clients.For(standby);
                    var list = await client.RecordingsAsync(key, null, null, cancellationToken).ConfigureAwait(false);
                    sources.AddRange(list.Recordings.Select(r => (client, r)));
                }
            }

            if (sources.Count == 0)
            {
                return new RestoreCompleted();
            }

            var home = clients.For(target);
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
            return new RestoreCompleted();
        }
        catch (AgentCallException)
        {
            return null;
        }
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

    private static async Task CopyAsync(AgentClient from, AgentClient to, Recording recording, CancellationToken cancellationToken)
    {
        using var download = await from.DownloadAsync(recording.Id, cancellationToken).ConfigureAwait(false);
        var content = await download.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (content.ConfigureAwait(false))
        {
            var folder = recording.Start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            await to.RestoreAsync(
                new RestoredRecording(recording.CameraId, recording.Kind, recording.Start, recording.End, recording.Bytes, recording.Sha256, folder, recording.FileName),
                content, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The failover recordings the recording server's catalog already holds, by camera and checksum.</summary>
    private static async Task<HashSet<string>> AlreadyHomeAsync(
        AgentClient home, List<(AgentClient Client, Recording Recording)> sources, CancellationToken cancellationToken)
    {
        var from = sources.Min(s => s.Recording.Start).AddSeconds(-1);
        var to = sources.Max(s => s.Recording.End).AddSeconds(1);
        var own = await home.RecordingsAsync(AgentRoutes.OwnRecordings, from, to, cancellationToken).ConfigureAwait(false);
        return own.Recordings.Select(Identity).ToHashSet(StringComparer.Ordinal);
    }

    private static string Identity(Recording recording) => $"{recording.CameraId}/{recording.Kind}/{recording.Sha256}";
}

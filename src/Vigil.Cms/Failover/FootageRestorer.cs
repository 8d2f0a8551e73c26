using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Agents;
using Vigil.Cms.Metrics;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;
using Vigil.Hosting.Transfers;

namespace Vigil.Cms.Failover;

/// <summary>
/// Brings every segment and snapshot the standbys recorded during an episode home to the recording server. Every standby
/// that may hold footage is first told to release the takeover (idempotent), so none goes on recording for an episode
/// that is failing back and every file it wrote is catalogued; one that does not answer holds the restore until it
/// does. Each standby's catalog is read a page at a time, and the recording server pulls each page straight from the
/// standby (the bytes cross the network once, never through the CMS) with a read-only grant for that footage and the
/// standby's pinned certificate, both from the CMS. Only when the recording server cannot reach the standby (or is too
/// old to pull) does the CMS carry that standby's bytes itself. Either way what is home already, in whole or in part, is
/// never copied again: a copy interrupted by any crash resumes where it stopped, within a file too. Several files are in
/// flight at once, paced by the site's bandwidth limit; a transfer ends only when it stops making progress, never for its
/// length. The recording server keeps a file only if the whole of it hashes to the standby's SHA-256.
/// </summary>
internal sealed partial class FootageRestorer(
    CmsDbContext db, IAgentConnections agents, RestoreBandwidth bandwidth, RestoreBoard board, CmsMetrics metrics, LeaderEpochs epochs, TimeProvider time,
    ILogger<FootageRestorer> logger)
{
    /// <summary>How many files are copied at once: enough to hide each file's round trips and checks behind the others' bytes.</summary>
    public const int FilesInFlight = 4;

    /// <summary>A transfer that moves no byte for this long is ended; the next attempt resumes from what arrived.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(1);

    /// <summary>How long a footage grant lasts: a restore pass that outlives it is refused by the standby and the next pass grants anew.</summary>
    private static readonly TimeSpan GrantLifetime = TimeSpan.FromHours(1);

    /// <summary>
    /// Copies what is missing; answers <see cref="RestoreCompleted"/> once all is home, <see cref="RestoreWaiting"/> when
    /// the recording server has no room for the rest or a pass that failed brought nothing home (so the operator reads why
    /// the restore does not move instead of "restoring" for ever), null to try again later after a pass that moved on.
    /// </summary>
    public async Task<FailoverInput?> RestoreAsync(
        FailoverEpisode episode, Func<RestoreProgress, Task> report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        ArgumentNullException.ThrowIfNull(report);
        EpisodeFootage footage;
        try
        {
            footage = await ReadAsync(episode, cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            LogRestorePaused(logger, episode.Id.Value, e.Message);
            return new RestoreWaiting($"a standby that holds the footage has not let go of it, and it is asked again: {e.Message}");
        }

        if (footage.Target is null)
        {
            board.Forget(episode.Id);
            return new StepFailed("the recording server to restore to is no longer managed");
        }

        var before = episode.Restore;
        var moved = false;
        Task Report(RestoreProgress progress)
        {
            moved |= progress.FilesCopied > before.FilesCopied || progress.BytesCopied > before.BytesCopied;
            return report(progress);
        }

        try
        {
            await CopyMissingAsync(footage, Report, cameras => board.Publish(episode.Id, cameras), cancellationToken).ConfigureAwait(false);
            board.Forget(episode.Id);
            return new RestoreCompleted();
        }
        catch (AgentCallException e) when (e.Rule == AgentCallException.Rules.SpaceFull)
        {
            LogRestorePaused(logger, episode.Id.Value, e.Message);
            return new RestoreWaiting($"the recording server's space is full: {e.Message}");
        }
        catch (AgentCallException e)
        {
            LogRestorePaused(logger, episode.Id.Value, e.Message);
            return moved ? null : new RestoreWaiting($"the last attempt brought nothing home and it is tried again: {e.Message}");
        }
    }

    /// <summary>
    /// The cleanup of an episode whose footage must be home: copies anything still missing, then asks each standby,
    /// a page at a time, to delete only the files whose checksums the recording server holds. Answers
    /// <see cref="CleanupCompleted"/> when nothing of the episode is left on any standby. An agent's refusal is thrown
    /// to the engine, which says it in the event log once and tries again: a cleanup must not stall without a reason.
    /// </summary>
    public async Task<FailoverInput?> RemoveHomeFootageAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var footage = await ReadAsync(episode, cancellationToken).ConfigureAwait(false);
        if (footage.Target is not { } home)
        {
            return null;
        }

        await CopyMissingAsync(footage, _ => Task.CompletedTask, _ => { }, cancellationToken).ConfigureAwait(false);
        var epoch = await epochs.CurrentAsync(db, cancellationToken).ConfigureAwait(false);
        var remaining = 0;
        foreach (var holder in footage.Holders.Select(h => h.Client))
        {
            // Deleting what a page confirmed never moves the cursor: later pages hold only higher catalog ids.
            await foreach (var page in holder.PagesAsync(footage.Key, null, null, cancellationToken).ConfigureAwait(false))
            {
                var held = await HeldAsync(home, page.Recordings, cancellationToken).ConfigureAwait(false);
                var confirmed = page.Recordings.Where(r => held.TryGetValue(Identity(r), out var h) && h.Complete).ToList();
                if (confirmed.Count > 0)
                {
                    // By id: the checksums are for an older standby, which reads no ids.
                    var removal = new FootageRemoval(
                        epoch.Value, confirmed.Select(r => r.Sha256).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), confirmed.Select(r => r.Id).ToList());
                    await holder.RemoveFootageAsync(footage.Key, removal, cancellationToken).ConfigureAwait(false);
                }
            }

            remaining += (await holder.RemoveFootageAsync(footage.Key, new FootageRemoval(epoch.Value, [], []), cancellationToken).ConfigureAwait(false)).Remaining;
        }

        return remaining == 0 ? new CleanupCompleted() : null;
    }

    /// <summary>
    /// Releases every holder; throws the first holder's refusal or silence once all were asked, so the restore's note
    /// or the engine says why the failover does not move instead of waiting in silence.
    /// </summary>
    private async Task<EpisodeFootage> ReadAsync(FailoverEpisode episode, CancellationToken cancellationToken)
    {
        var key = episode.FootageKey;
        var target = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == episode.RecordingServer.Value, cancellationToken).ConfigureAwait(false);
        var epoch = await epochs.CurrentAsync(db, cancellationToken).ConfigureAwait(false);
        var holders = new List<Holder>();
        ExceptionDispatchInfo? refused = null;
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
                holders.Add(new Holder(client, standby));
            }
            catch (AgentCallException e)
            {
                refused ??= ExceptionDispatchInfo.Capture(e);
            }
        }

        // Rethrown with the stack of the call that failed, not of this line.
        refused?.Throw();
        return new EpisodeFootage(key, target is null ? null : agents.For(target), holders);
    }

    private async Task CopyMissingAsync(
        EpisodeFootage footage, Func<RestoreProgress, Task> report, Action<IReadOnlyList<CameraRestoreView>> publishCameras, CancellationToken cancellationToken)
    {
        var home = footage.Target!;

        // The first page of each holder carries its totals: progress is reported against the whole without listing it.
        var first = new List<(Holder Holder, RecordingList Page)>();
        foreach (var holder in footage.Holders)
        {
            first.Add((holder, await holder.Client.RecordingsAsync(footage.Key, null, null, null, cancellationToken).ConfigureAwait(false)));
        }

        using var progress = new ProgressTally(
            first.Sum(f => f.Page.Totals?.Bytes ?? f.Page.Recordings.Sum(r => r.Bytes)),
            first.Sum(f => f.Page.Totals?.Files ?? f.Page.Recordings.Count),
            first.SelectMany(f => f.Page.Totals?.Cameras ?? []), report, publishCameras, time);
        if (progress.FilesTotal == 0)
        {
            return;
        }

        await progress.ReportAsync().ConfigureAwait(false);
        // A standby that holds none of this footage (it never recorded for the episode) is given no grant: there is nothing to read.
        foreach (var (holder, firstPage) in first.Where(f => f.Page.Recordings.Count > 0))
        {
            var token = await GrantAsync(footage.Key, holder, cancellationToken).ConfigureAwait(false);
            var page = firstPage;
            while (true)
            {
                if (token is not null && page.Recordings.Count > 0)
                {
                    token = await PullPageAsync(holder, home, token, page.Recordings, progress, cancellationToken).ConfigureAwait(false);
                }

                if (token is null)
                {
                    await CopyPageAsync(holder.Client, home, page.Recordings, progress, cancellationToken).ConfigureAwait(false);
                }

                if (page.Next is null)
                {
                    break;
                }

                page = await holder.Client.RecordingsAsync(footage.Key, null, null, page.Next, cancellationToken).ConfigureAwait(false);
            }
        }

        await progress.ReportAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// A read-only grant on the standby for this footage, its token for the recording server; null when the standby is too old
    /// to grant one, and the CMS carries its bytes.
    /// </summary>
    private async Task<string?> GrantAsync(string key, Holder holder, CancellationToken cancellationToken)
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var grant = new FootageGrant(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))), time.GetUtcNow() + GrantLifetime);
        try
        {
            await holder.Client.GrantFootageAsync(key, grant, cancellationToken).ConfigureAwait(false);
            return token;
        }
        catch (AgentCallException e) when (e.Rule == AgentCallException.Rules.NotAnAgent)
        {
            LogRelaying(logger, holder.Row.Name, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Has the recording server fetch one page straight from the standby; answers the token for the next page, or null when the
    /// recording server cannot reach the standby (or cannot pull at all) and this page and the rest are carried by the CMS.
    /// </summary>
    private async Task<string?> PullPageAsync(
        Holder holder, IAgentApi home, string token, IReadOnlyList<Recording> page, ProgressTally progress, CancellationToken cancellationToken)
    {
        using var share = bandwidth.JoinPull();
        var source = new ServerAddress(holder.Row.Host, holder.Row.Port, holder.Row.Https).ToString();
        var pull = new RestorePull(source, holder.Row.Https ? holder.Row.CertificateFingerprint : null, token, share.BytesPerSecond, page);
        try
        {
            await home.PullAsync(pull, async line =>
            {
                if (line.CameraId is { } camera)
                {
                    progress.AddBytes(camera, line.Bytes);
                    for (var file = 0; file < line.Files; file++)
                    {
                        progress.AddFile(camera);
                    }

                    if (!line.AlreadyHome)
                    {
                        metrics.Restored(line.Files, line.Bytes);
                    }
                }

                await progress.ReportIfDueAsync(ProgressEvery).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
            return token;
        }
        catch (AgentCallException e) when (e.Rule is AgentCallException.Rules.SourceUnreachable or AgentCallException.Rules.NotAnAgent)
        {
            LogRelaying(logger, holder.Row.Name, e.Message);
            return null;
        }
    }

    /// <summary>Copies the files of one page the recording server lacks, <see cref="FilesInFlight"/> at a time.</summary>
    private async Task CopyPageAsync(IAgentApi holder, IAgentApi home, IReadOnlyList<Recording> page, ProgressTally progress, CancellationToken cancellationToken)
    {
        var held = await HeldAsync(home, page, cancellationToken).ConfigureAwait(false);
        var pending = new List<(Recording Recording, long Offset)>();
        foreach (var recording in page)
        {
            var holding = held.GetValueOrDefault(Identity(recording));
            if (holding is { Complete: true })
            {
                progress.AddBytes(recording.CameraId, recording.Bytes);
                progress.AddFile(recording.CameraId);
            }
            else
            {
                var offset = holding?.PartialBytes is > 0 and var partial && partial <= recording.Bytes ? partial : 0;
                progress.AddBytes(recording.CameraId, offset);
                pending.Add((recording, offset));
            }
        }

        // On the first failure no new file starts, and those in flight finish or fail on their own: none is cut off with its
        // answer lost, and the next attempt resumes whatever did not arrive.
        var inFlight = new List<Task>();
        Exception? failed = null;
        foreach (var (recording, offset) in pending)
        {
            if (inFlight.Count == FilesInFlight)
            {
                var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.Remove(done);
                failed ??= done.Exception?.InnerException;
            }

            if (failed is not null)
            {
                break;
            }

            inFlight.Add(CopyOneAsync(holder, home, recording, offset, progress, cancellationToken));
        }

        foreach (var copy in inFlight)
        {
            try
            {
                await copy.ConfigureAwait(false);
            }
            catch (Exception e) when (failed is null)
            {
                failed = e;
            }
            catch (Exception e) when (e is AgentCallException or OperationCanceledException)
            {
                // The first failure is the one reported; the next attempt resumes this file too.
            }
        }

        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
    }

    private async Task CopyOneAsync(IAgentApi from, IAgentApi to, Recording recording, long offset, ProgressTally progress, CancellationToken cancellationToken)
    {
        var folder = recording.Start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var described = new RestoredRecording(recording.CameraId, recording.Kind, recording.Start, recording.End, recording.Bytes, recording.Sha256, folder, recording.FileName);
        using var watch = new StallWatch(StallAfter, time, cancellationToken);
        try
        {
            // Every byte arrived before (the copy was cut off just before its check): the recording server only checks and keeps it.
            if (offset == recording.Bytes)
            {
                await to.RestoreAsync(described, offset, Stream.Null, watch.Token).ConfigureAwait(false);
            }
            else
            {
                await from.ReadRecordingAsync(recording.Id, offset,
                    content => to.RestoreAsync(described, offset, new PacedSourceStream(content, bandwidth, watch, Moved), watch.Token), watch.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException e) when (watch.Stalled && !cancellationToken.IsCancellationRequested)
        {
            throw new AgentCallException(AgentCallException.Rules.Stalled,
                $"The copy of {recording.FileName} moved no byte for {StallAfter.TotalSeconds:0} s and was ended; the next attempt resumes from what arrived.", e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new AgentCallException(AgentCallException.Rules.Unreachable,
                $"The copy of {recording.FileName} broke off ({e.Message}); the next attempt resumes from what arrived.", e);
        }

        metrics.Restored(1, recording.Bytes - offset);
        progress.AddFile(recording.CameraId);
        await progress.ReportIfDueAsync(ProgressEvery).ConfigureAwait(false);

        Task Moved(int bytes)
        {
            progress.AddBytes(recording.CameraId, bytes);
            return progress.ReportIfDueAsync(ProgressEvery);
        }
    }

    /// <summary>
    /// What the recording server holds of a page's files, by camera, kind, checksum and span. An older recording server
    /// answers without spans, matching by checksum alone: its answer then stands for every asked file of those bytes.
    /// </summary>
    private static async Task<Dictionary<RecordingIdentity, RestoreHolding>> HeldAsync(
        IAgentApi home, IReadOnlyList<Recording> page, CancellationToken cancellationToken)
    {
        if (page.Count == 0)
        {
            return [];
        }

        var asked = page.Select(Identity).Distinct().ToList();
        var check = await home.CheckRestoredAsync(new RestoreCheck(asked), cancellationToken).ConfigureAwait(false);
        var held = new Dictionary<RecordingIdentity, RestoreHolding>();
        ILookup<RecordingIdentity, RecordingIdentity>? bytesAlone = null;
        foreach (var holding in check.Held)
        {
            var identity = new RecordingIdentity(holding.CameraId, holding.Kind, holding.Sha256.ToLowerInvariant());
            // Grouped once per page, not scanned per holding: an older server's page of 5 000 would be 25 million compares.
            IEnumerable<RecordingIdentity> matches = holding.Start is null || holding.End is null
                ? (bytesAlone ??= asked.ToLookup(a => a with { Start = null, End = null }))[identity]
                : [identity with { Start = holding.Start, End = holding.End }];
            foreach (var match in matches)
            {
                held.TryAdd(match, holding);
            }
        }

        return held;
    }

    // Warning: the site's layout makes the CMS carry footage it should not have to; the operator may want to open the route.
    [LoggerMessage(EventId = 3210, Level = LogLevel.Warning, Message = "The recording server cannot fetch footage from {Standby} itself, so the CMS carries it: {Reason}")]
    private static partial void LogRelaying(ILogger logger, string standby, string reason);

    // Debug: a restore waiting for space is tried every round, and the wait itself is an event and the episode's note.
    [LoggerMessage(EventId = 3209, Level = LogLevel.Debug, Message = "The restore of failover {Episode} stopped for now and resumes from what is home: {Reason}")]
    private static partial void LogRestorePaused(ILogger logger, long episode, string reason);

    private static RecordingIdentity Identity(Recording recording) =>
        new(recording.CameraId, recording.Kind, recording.Sha256.ToLowerInvariant(), recording.Start, recording.End);

    private sealed record EpisodeFootage(string Key, IAgentApi? Target, IReadOnlyList<Holder> Holders);

    private sealed record Holder(IAgentApi Client, ServerRow Row);
}

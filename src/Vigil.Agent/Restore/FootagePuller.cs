using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Hosting.Transfers;

namespace Vigil.Agent.Restore;

/// <summary>
/// Fetches one catalog page of failover footage straight from the standby that recorded it, so the bytes cross the network
/// once and never pass through the CMS. The CMS names the standby, the fingerprint of the standby's certificate it pinned at
/// pairing (the only certificate accepted: this server takes no trust decision of its own) and a read-only grant for that
/// takeover's footage. Files this server holds in part continue from where they stopped (an HTTP range); several are in
/// flight at once, paced at the share of the site's bandwidth the CMS gave; a file ends only when it stops moving bytes.
/// On the first failure no new file starts; those in flight finish, and the CMS is told why the pull stopped.
/// </summary>
internal static partial class FootagePuller
{
    /// <summary>
    /// How many files are fetched at once: enough to hide each file's round trips, fsync and catalog commit behind the others'
    /// bytes. Eight restored 3 000 small files about 15 % faster than four once the catalog writes no longer ran one file at a time.
    /// </summary>
    public const int FilesInFlight = 8;

    /// <summary>A file that moves no byte for this long is ended; the next pull resumes from what arrived.</summary>
    public static readonly TimeSpan StallAfter = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    public static async Task<IResult> PullAsync(
        HttpContext context, RestorePull? pull, RestoredFiles files, TimeProvider time, ILoggerFactory loggers, IHostApplicationLifetime lifetime)
    {
        // The page is fetched to its end even if the CMS goes away meanwhile (killed, restarted): what is under way comes home
        // rather than being cut off and fetched again, and the CMS's next pull finds it home. Only this agent stopping ends it.
        var cancellationToken = lifetime.ApplicationStopping;
        ArgumentNullException.ThrowIfNull(context);
        if (Invalid(pull) is { } invalid)
        {
            return Problems.Refuse("restore.invalid-pull", invalid);
        }

        var source = new Uri(pull!.Source.TrimEnd('/') + "/");
        var recordings = pull.Recordings.Select(r => (Recording: r, Described: Describe(r))).ToList();
        var held = files.Held(recordings.Select(r => r.Described.Identity).Distinct().ToList())
            .ToDictionary(h => (h.CameraId, h.Kind, Sha256: h.Sha256.ToLowerInvariant(), h.Start, h.End));

        var pending = new List<(Contracts.Agent.Recording Recording, RestoredRecording Described, long Offset)>();
        var here = new Dictionary<string, (long Bytes, int Files)>(StringComparer.Ordinal);
        foreach (var (recording, described) in recordings)
        {
            var holding = held.GetValueOrDefault((described.CameraId, described.Kind, described.Sha256.ToLowerInvariant(), described.Start, described.End));
            var (bytes, count) = here.GetValueOrDefault(recording.CameraId);
            if (holding is { Complete: true })
            {
                here[recording.CameraId] = (bytes + recording.Bytes, count + 1);
                continue;
            }

            var offset = holding?.PartialBytes is > 0 and var partial && partial <= recording.Bytes ? partial : 0;
            here[recording.CameraId] = (bytes + offset, count);
            pending.Add((recording, described, offset));
        }

        using var handler = Handler(pull.SourceFingerprint);
        using var client = new HttpClient(handler) { BaseAddress = source, Timeout = Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", pull.Token);

        // Checked before any line is written: a standby out of reach ends the pull with nothing counted, and the CMS carries the page.
        var failure = pending.Count == 0 ? null : await ReachAsync(client, cancellationToken).ConfigureAwait(false);
        context.Response.ContentType = "application/x-ndjson";
        await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
        var reporter = new PullReporter(context.Response, time);
        await using (reporter.ConfigureAwait(false))
        {
            if (failure is null)
            {
                await reporter.AlreadyHomeAsync(here.Select(c => (c.Key, c.Value.Bytes, c.Value.Files))).ConfigureAwait(false);
                var bandwidth = new RestoreBandwidth(() => pull.BytesPerSecond, time);
                failure = await FetchAllAsync(
                    pending, item => FetchAsync(context, client, files, bandwidth, reporter, item.Recording, item.Described, item.Offset, time, cancellationToken))
                    .ConfigureAwait(false);
            }

            if (failure is not null)
            {
                var logger = loggers.CreateLogger(typeof(FootagePuller).FullName!);
                LogPullStopped(logger, pull.Source, failure.Rule!, failure.Problem!);
            }

            await reporter.EndAsync(failure).ConfigureAwait(false);
        }

        return Results.Empty;
    }

    /// <summary>Runs the fetches <see cref="FilesInFlight"/> at a time; after the first failure none starts, and the first failure is the answer.</summary>
    private static async Task<RestoreOutcome?> FetchAllAsync<T>(IEnumerable<T> items, Func<T, Task<RestoreOutcome>> fetch)
    {
        var inFlight = new List<Task<RestoreOutcome>>();
        RestoreOutcome? failure = null;
        foreach (var item in items)
        {
            if (inFlight.Count == FilesInFlight)
            {
                var done = await Task.WhenAny(inFlight).ConfigureAwait(false);
                inFlight.Remove(done);
                failure ??= (await done.ConfigureAwait(false)) is { Kept: null } refused ? refused : null;
            }

            if (failure is not null)
            {
                break;
            }

            inFlight.Add(fetch(item));
        }

        foreach (var outcome in await Task.WhenAll(inFlight).ConfigureAwait(false))
        {
            failure ??= outcome.Kept is null ? outcome : null;
        }

        return failure;
    }

    private static async Task<RestoreOutcome> FetchAsync(
        HttpContext context, HttpClient client, RestoredFiles files, RestoreBandwidth bandwidth, PullReporter reporter, Contracts.Agent.Recording recording,
        RestoredRecording described, long offset, TimeProvider time, CancellationToken cancellationToken)
    {
        using var watch = new StallWatch(StallAfter, time, cancellationToken);
        if (offset == recording.Bytes)
        {
            // Every byte arrived before (the copy was cut off just before its check): only the check and the keeping are left.
            return await KeepAsync(context, files, reporter, recording, described, offset, Stream.Null, watch.Token).ConfigureAwait(false);
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, AgentRoutes.RecordingContent(recording.Id).TrimStart('/'));
            if (offset > 0)
            {
                request.Headers.Range = new RangeHeaderValue(offset, null);
            }

            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watch.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return RestoreOutcome.Refused("restore.source-refused",
                    $"The standby answered {(int)response.StatusCode} for {recording.FileName} (its grant expired, or the file is gone); the next pull asks again.");
            }

            if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
            {
                return RestoreOutcome.Refused("restore.source-invalid", $"The standby sent the whole of {recording.FileName} when asked from byte {offset}, which no Vigil agent does.");
            }

            var content = await response.Content.ReadAsStreamAsync(watch.Token).ConfigureAwait(false);
            await using (content.ConfigureAwait(false))
            {
                var paced = new PacedSourceStream(content, bandwidth, watch, n => reporter.MovedAsync(recording.CameraId, n));
                await using (paced.ConfigureAwait(false))
                {
                    return await KeepAsync(context, files, reporter, recording, described, offset, paced, watch.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (watch.Stalled && !cancellationToken.IsCancellationRequested)
        {
            return RestoreOutcome.Refused("restore.stalled",
                $"The fetch of {recording.FileName} moved no byte for {StallAfter.TotalSeconds:0} s and was ended; the next pull resumes from what arrived.");
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return Untrusted(client);
        }
        catch (Exception e) when ((e is IOException or HttpRequestException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return RestoreOutcome.Refused("restore.source-broke-off", $"The fetch of {recording.FileName} broke off ({e.Message}); the next pull resumes from what arrived.");
        }
    }

    private static async Task<RestoreOutcome> KeepAsync(
        HttpContext context, RestoredFiles files, PullReporter reporter, Contracts.Agent.Recording recording, RestoredRecording described, long offset,
        Stream rest, CancellationToken cancellationToken)
    {
        var outcome = await files.ReceiveAsync(context, described, offset, rest, cancellationToken).ConfigureAwait(false);
        if (outcome.Kept is not null)
        {
            await reporter.HomeAsync(recording.CameraId).ConfigureAwait(false);
        }

        return outcome;
    }

    /// <summary>
    /// Whether the standby answers here at all, asked before any file: one this server cannot reach (another network that only
    /// the CMS bridges) is told at once, before any progress, so the CMS carries that footage itself instead.
    /// </summary>
    private static async Task<RestoreOutcome?> ReachAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(ConnectTimeout);
        try
        {
            using var response = await client.GetAsync(AgentRoutes.Live.TrimStart('/'), attempt.Token).ConfigureAwait(false);
            return null;
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException || e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return Untrusted(client);
        }
        catch (Exception e) when ((e is HttpRequestException or OperationCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            return RestoreOutcome.Refused(RestorePullReport.SourceUnreachable, $"This server cannot reach the standby at {client.BaseAddress}: {e.Message}");
        }
    }

    private static RestoreOutcome Untrusted(HttpClient client) => RestoreOutcome.Refused("restore.source-untrusted",
        $"The standby at {client.BaseAddress} did not show the certificate the CMS pinned for it; nothing was fetched from it.");

    /// <summary>Accepts only the pinned certificate over https; plain http (a test site or a trusted wire) has none to check.</summary>
    private static SocketsHttpHandler Handler(string? fingerprint) => new()
    {
        ConnectTimeout = ConnectTimeout,
        SslOptions =
        {
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && string.Equals(SelfSignedCertificate.Fingerprint(certificate), fingerprint, StringComparison.OrdinalIgnoreCase),
        },
    };

    private static RestoredRecording Describe(Contracts.Agent.Recording recording) => new(
        recording.CameraId, recording.Kind, recording.Start, recording.End, recording.Bytes, recording.Sha256,
        recording.Start.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), recording.FileName);

    private static string? Invalid(RestorePull? pull)
    {
        if (pull?.Recordings is null || pull.Recordings.Count > RecordingList.MaxPageSize || pull.Recordings.Any(r => r is null)
            || string.IsNullOrEmpty(pull.Token) || pull.BytesPerSecond < 0)
        {
            return $"A pull names the standby, a grant's token, a bandwidth share (0: none) and at most {RecordingList.MaxPageSize} recordings.";
        }

        if (!Uri.TryCreate(pull.Source, UriKind.Absolute, out var source) || source.Scheme is not ("https" or "http") || source.PathAndQuery != "/")
        {
            return $"The standby's address '{pull.Source}' is not an http(s)://host:port address.";
        }

        if (source.Scheme == "https" && string.IsNullOrEmpty(pull.SourceFingerprint))
        {
            return "An https standby needs the fingerprint of its certificate that the CMS pinned; this server takes no trust decision of its own.";
        }

        return pull.Recordings.Select(r => RestoredFiles.Invalid(Describe(r), 0)).FirstOrDefault(i => i is not null);
    }

    [LoggerMessage(EventId = 2701, Level = LogLevel.Information, Message = "A pull of footage from {Source} stopped ({Rule}): {Problem}")]
    private static partial void LogPullStopped(ILogger logger, string source, string rule, string problem);
}

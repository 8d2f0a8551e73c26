using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Tests.Support;

/// <summary>The agent calls an <see cref="AgentGate"/> can hold.</summary>
public enum GatedCall
{
    /// <summary>The CMS's takeover command to a standby.</summary>
    Takeover,

    /// <summary>The CMS asking a standby to remove failover footage that is home (the cleanup after a restore).</summary>
    FootageRemoval,

    /// <summary>The CMS releasing a standby from a takeover (it stops recording the server's cameras).</summary>
    Release,

    /// <summary>
    /// One failover recording on its way home: the recording server fetching it from the standby (seen at the standby's gate)
    /// or, where the recording server cannot reach the standby, the CMS uploading it (seen at the recording server's).
    /// </summary>
    RestoreTransfer,
}

/// <summary>
/// A plain-HTTP reverse proxy on 127.0.0.1 in front of one agent, added to the CMS by the proxy's address. It can
/// hold one kind of call (a takeover, a release, a footage removal, a restore transfer) unanswered until the test releases it, while the agent
/// goes on answering probes and everything else: the deterministic form of "the standby freezes just as it is
/// sent the takeover", "the CMS dies in the middle of a restore" or "look at the standby's disk after the restore, before
/// the cleanup", with no window to hit.
/// It also counts the restore transfers that went through whole, so a test can tell a recording copied twice.
/// Everything streams through unchanged, restores included. The agent may be killed and started again on its port.
/// </summary>
public sealed class AgentGate : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, int> _restoresAccepted = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(TimeSpan Began, TimeSpan Ended, long Bytes)> _restoreTransfers = new();
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private GatedCall? _holding;
    private int _letThrough;
    private TaskCompletionSource? _gate;
    private TaskCompletionSource _arrived = NewSignal();

    private AgentGate(WebApplication app, HttpClient upstream)
    {
        _app = app;
        _upstream = upstream;
    }

    public Uri BaseUrl => new(_app.Urls.First());

    /// <summary>
    /// Restore transfers that went through whole, by what they moved: an upload the agent answered with success (by the
    /// recording it described, from its offset) or a download the agent served to the end (by this gate, recording and range).
    /// </summary>
    public IReadOnlyDictionary<string, int> RestoresAccepted => _restoresAccepted;

    /// <summary>How many recordings the transfers of these gates moved, however many parts each came in (a resumed copy is two).</summary>
    public static int RecordingsAcross(params AgentGate[] gates) => RestoresAcross(gates).Keys.Select(k => k.Split('|')[0]).Distinct().Count();

    /// <summary>The restore transfers of several gates together (the standbys' and the recording server's), by recording and part.</summary>
    public static IReadOnlyDictionary<string, int> RestoresAcross(params AgentGate[] gates) =>
        gates.SelectMany(g => g._restoresAccepted).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Sum(t => t.Value));

    /// <summary>
    /// The restore rate the recording server received, seen at its gate: the bytes of every upload the CMS made, and the bytes
    /// every pull reported received as it went, over the time from the start of the first to the end (or report) of the last;
    /// null before two were seen. (A standby's gate cannot tell it: a paced reader's bytes sit in socket buffers long before it reads them.)
    /// </summary>
    public static double? RestoreBytesPerSecond(params AgentGate[] gates)
    {
        var transfers = gates.SelectMany(g => g._restoreTransfers).ToList();
        return transfers.Count < 2 ? null : transfers.Sum(u => u.Bytes) / (transfers.Max(u => u.Ended) - transfers.Min(u => u.Began)).TotalSeconds;
    }

    public static async Task<AgentGate> StartAsync(Uri agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var upstream = new HttpClient { BaseAddress = agent, Timeout = Timeout.InfiniteTimeSpan };
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var gate = new AgentGate(app, upstream);
        app.Run(gate.ForwardAsync);
        await app.StartAsync();
        return gate;
    }

    /// <summary>
    /// From now on calls of this kind wait at the gate, unanswered, until <see cref="Release"/>; the first
    /// <paramref name="letThrough"/> of them still pass, so a test can stop a restore after it made progress.
    /// </summary>
    public void Hold(GatedCall call, int letThrough = 0)
    {
        lock (_lock)
        {
            _holding = call;
            _letThrough = letThrough;
            _gate ??= NewSignal();
            _arrived = NewSignal();
        }
    }

    /// <summary>Completes when a call of the held kind reaches the gate after <see cref="Hold"/>.</summary>
    public Task Held
    {
        get
        {
            lock (_lock)
            {
                return _arrived.Task;
            }
        }
    }

    /// <summary>Lets every held call on to the agent (even one whose sender is gone, as a late packet would) and stops holding.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _gate?.TrySetResult();
            _gate = null;
            _holding = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static GatedCall? KindOf(HttpRequest request) =>
        HttpMethods.IsPut(request.Method) && request.Path.StartsWithSegments(AgentRoutes.Takeovers) ? GatedCall.Takeover
        : HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments(AgentRoutes.Takeovers) && request.Path.Value!.EndsWith("/recordings/removal", StringComparison.Ordinal)
            ? GatedCall.FootageRemoval
        : HttpMethods.IsDelete(request.Method) && request.Path.StartsWithSegments(AgentRoutes.Takeovers, out var rest) && rest.Value!.LastIndexOf('/') == 0
            ? GatedCall.Release
        : HttpMethods.IsPut(request.Method) && request.Path.StartsWithSegments(AgentRoutes.RestoredRecordings) ? GatedCall.RestoreTransfer
        : HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments(AgentRoutes.Recordings) && request.Path.Value!.EndsWith("/content", StringComparison.Ordinal)
            ? GatedCall.RestoreTransfer
        : null;

    private async Task ForwardAsync(HttpContext context)
    {
        var kind = KindOf(context.Request);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            // A command that may be held is read whole first, so it can still be delivered after its sender died.
            request.Content = kind is null ? new StreamContent(context.Request.Body) : new ByteArrayContent(await ReadAllAsync(context.Request.Body));
        }

        foreach (var (name, values) in context.Request.Headers.Where(h => !ProxyHeaders.HopByHop.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        var began = _clock.Elapsed;
        var aborted = context.RequestAborted;
        var held = false;
        if (kind is { } call && WaitingGate(call) is { } gate)
        {
            await gate;
            aborted = CancellationToken.None;
            held = true;
        }

        using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, aborted);
        var upload = HttpMethods.IsPut(context.Request.Method);
        if (kind == GatedCall.RestoreTransfer && upload && response.IsSuccessStatusCode)
        {
            var query = context.Request.QueryString.Value ?? string.Empty;
            var offset = query.LastIndexOf("&offset=", StringComparison.Ordinal);
            _restoresAccepted.AddOrUpdate(offset < 0 ? query : $"{query[..offset]}|{query[offset..]}", 1, (_, n) => n + 1);
            _restoreTransfers.Enqueue((began, _clock.Elapsed, context.Request.ContentLength ?? 0));
        }

        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers).Where(h => !ProxyHeaders.HopByHop.Contains(h.Key)))
        {
            context.Response.Headers[name] = values.ToArray();
        }

        try
        {
            var pull = HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(AgentRoutes.RestoredRecordingsPull);
            await response.Content.CopyToAsync(pull ? new PullReportReader(context.Response.Body, bytes => _restoreTransfers.Enqueue((began, _clock.Elapsed, bytes)))
                : context.Response.Body, context.RequestAborted);

            // A download counts once it went out whole to a caller still there; one that waited at the gate may have lost its caller.
            if (kind == GatedCall.RestoreTransfer && !upload && !held && response.IsSuccessStatusCode && !context.RequestAborted.IsCancellationRequested)
            {
                _restoresAccepted.AddOrUpdate($"{BaseUrl.Port} {context.Request.Path}|{context.Request.Headers.Range}", 1, (_, n) => n + 1);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away (a killed CMS): nothing is left to answer.
        }
    }

    private Task? WaitingGate(GatedCall call)
    {
        lock (_lock)
        {
            if (_gate is null || _holding != call)
            {
                return null;
            }

            if (_letThrough > 0)
            {
                _letThrough--;
                return null;
            }

            _arrived.TrySetResult();
            return _gate.Task;
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream body)
    {
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        return copy.ToArray();
    }

    /// <summary>Passes a pull's progress lines on and tells the bytes each reports received (not those found home already).</summary>
    private sealed class PullReportReader(Stream inner, Action<long> received) : Stream
    {
        private readonly List<byte> _line = [];

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            foreach (var b in buffer.Span)
            {
                if (b != (byte)'\n')
                {
                    _line.Add(b);
                    continue;
                }

                var report = System.Text.Json.JsonSerializer.Deserialize<RestorePullReport>(_line.ToArray(), Contracts.ContractJson.Options);
                _line.Clear();
                if (report is { CameraId: not null, AlreadyHome: false, Bytes: > 0 })
                {
                    received(report.Bytes);
                }
            }

            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

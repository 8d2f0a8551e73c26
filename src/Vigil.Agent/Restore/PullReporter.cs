using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Restore;

/// <summary>
/// Writes a pull's progress to the CMS as JSON lines: what arrived per camera, at most once a second while bytes flow, and a
/// line at least every <see cref="RestorePullReport.Heartbeat"/> whatever happens, so a quiet pull is never taken for a dead one.
/// A CMS that went away is simply no longer written to: the pull it asked for goes on to the end of its page.
/// </summary>
internal sealed class PullReporter : IAsyncDisposable
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(1);
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private readonly HttpResponse _response;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly Dictionary<string, (long Bytes, int Files)> _pending = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeat;
    private long _writtenAt;
    private bool _gone;

    public PullReporter(HttpResponse response, TimeProvider time)
    {
        _response = response;
        _time = time;
        _writtenAt = time.GetTimestamp();
        _heartbeat = BeatAsync();
    }

    /// <summary>What this server held of the pull's files before it began, per camera: counted as home, not as moved.</summary>
    public async Task AlreadyHomeAsync(IEnumerable<(string Camera, long Bytes, int Files)> cameras)
    {
        foreach (var (camera, bytes, files) in cameras)
        {
            await WriteAsync(new RestorePullReport(camera, bytes, files, AlreadyHome: true)).ConfigureAwait(false);
        }
    }

    public Task MovedAsync(string camera, long bytes) => AddAsync(camera, bytes, 0);

    public Task HomeAsync(string camera) => AddAsync(camera, 0, 1);

    /// <summary>The pull's last lines: what is still pending, why it stopped (if it did), and the end.</summary>
    public async Task EndAsync(RestoreOutcome? failure)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        await FlushAsync(force: true).ConfigureAwait(false);
        if (failure is not null)
        {
            await WriteAsync(new RestorePullReport(null, 0, Rule: failure.Rule, Problem: failure.Problem)).ConfigureAwait(false);
        }

        await WriteAsync(new RestorePullReport(null, 0, End: true)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _heartbeat.ConfigureAwait(false);
        _stop.Dispose();
        _writing.Dispose();
    }

    private async Task AddAsync(string camera, long bytes, int files)
    {
        lock (_pending)
        {
            var (pendingBytes, pendingFiles) = _pending.GetValueOrDefault(camera);
            _pending[camera] = (pendingBytes + bytes, pendingFiles + files);
        }

        await FlushAsync(force: false).ConfigureAwait(false);
    }

    private async Task FlushAsync(bool force)
    {
        if (!force && _time.GetElapsedTime(Interlocked.Read(ref _writtenAt)) < Every)
        {
            return;
        }

        List<RestorePullReport> lines;
        lock (_pending)
        {
            lines = _pending.Select(p => new RestorePullReport(p.Key, p.Value.Bytes, p.Value.Files)).ToList();
            _pending.Clear();
        }

        foreach (var line in lines)
        {
            await WriteAsync(line).ConfigureAwait(false);
        }
    }

    private async Task BeatAsync()
    {
        using var timer = new PeriodicTimer(RestorePullReport.Heartbeat, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (_time.GetElapsedTime(Interlocked.Read(ref _writtenAt)) >= RestorePullReport.Heartbeat - Every)
                {
                    await WriteAsync(new RestorePullReport(null, 0)).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The pull ended.
        }
    }

    private async Task WriteAsync(RestorePullReport report)
    {
        await _writing.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_gone && !_response.HttpContext.RequestAborted.IsCancellationRequested)
            {
                await _response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(report, ContractJson.Options)).ConfigureAwait(false);
                await _response.Body.WriteAsync(NewLine).ConfigureAwait(false);
                await _response.Body.FlushAsync().ConfigureAwait(false);
            }

            Interlocked.Exchange(ref _writtenAt, _time.GetTimestamp());
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            _gone = true;
        }
        finally
        {
            _writing.Release();
        }
    }
}

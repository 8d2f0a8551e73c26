namespace Vigil.Hosting.Transfers;

/// <summary>
/// A restore bandwidth limit: a token bucket refilled at the limit, so bytes flow at an even rate across every file in flight
/// rather than in bursts between files. The CMS holds the site's, shared by every restore whose bytes it carries; a recording
/// server holds one per pull, at the share the CMS gave it.
/// A caller pays for what it read and, if that overdraws the bucket, waits until the debt is repaid: the long-run
/// rate stays at the limit whatever the sizes read, and a pause earns at most <see cref="Burst"/> of credit.
/// When the recording server fetches from the standby itself the bytes never pass the CMS: each such pull is paced where it
/// runs at its share of the site's limit, the limit divided among the pulls running when it starts (<see cref="JoinPull"/>).
/// </summary>
/// <param name="limit">The limit in bytes per second as set now (0: none); read at every take, so a change applies at once.</param>
public sealed class RestoreBandwidth(Func<long> limit, TimeProvider time)
{
    /// <summary>The most that may go at once after a pause: a quarter second at the limit.</summary>
    private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilledAt = time.GetTimestamp();
    private int _pulls;

    /// <summary>Counts a pull while it runs and tells its share of the limit in bytes per second (0: no limit).</summary>
    public PullShare JoinPull()
    {
        var pulls = Interlocked.Increment(ref _pulls);
        var rate = limit();
        return new PullShare(this, rate <= 0 ? 0 : Math.Max(1, rate / pulls));
    }

    internal void EndPull() => Interlocked.Decrement(ref _pulls);

    /// <summary>How much to read at once: small enough that, at a low limit, one read is a twentieth of a second.</summary>
    public int ChunkFor(int buffer)
    {
        var now = limit();
        return now <= 0 ? buffer : (int)Math.Clamp(now / 20, 1024, buffer);
    }

    /// <summary>Pays for <paramref name="bytes"/> read; waits while the site is over its limit.</summary>
    public async ValueTask TakeAsync(int bytes, CancellationToken cancellationToken)
    {
        var rate = limit();
        if (rate <= 0)
        {
            return;
        }

        TimeSpan wait;
        lock (_gate)
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(_refilledAt, now);
            _refilledAt = now;
            _tokens = Math.Min(rate * Burst.TotalSeconds, _tokens + (elapsed.TotalSeconds * rate)) - bytes;
            wait = _tokens < 0 ? TimeSpan.FromSeconds(-_tokens / rate) : TimeSpan.Zero;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>One running pull's part of the site's restore bandwidth; disposing it ends the pull's count.</summary>
public sealed class PullShare(RestoreBandwidth bandwidth, long bytesPerSecond) : IDisposable
{
    private int _ended;

    /// <summary>The pull's pace in bytes per second; 0 is no limit.</summary>
    public long BytesPerSecond { get; } = bytesPerSecond;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _ended, 1) == 0)
        {
            bandwidth.EndPull();
        }
    }
}

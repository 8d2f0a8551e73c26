namespace Vigil.Cms.Failover;

/// <summary>
/// The site's restore bandwidth limit, shared by every restore this CMS runs: a token bucket refilled at the limit,
/// so bytes flow at an even rate across all restores and files in flight rather than in bursts between files.
/// A caller pays for what it read and, if that overdraws the bucket, waits until the debt is repaid: the long-run
/// rate stays at the limit whatever the sizes read, and a pause earns at most <see cref="Burst"/> of credit.
/// </summary>
/// <param name="limit">The limit in bytes per second as set now (0: none); read at every take, so a change applies at once.</param>
internal sealed class RestoreBandwidth(Func<long> limit, TimeProvider time)
{
    /// <summary>The most that may go at once after a pause: a quarter second at the limit.</summary>
    private static readonly TimeSpan Burst = TimeSpan.FromMilliseconds(250);

    private readonly Lock _gate = new();
    private double _tokens;
    private long _refilledAt = time.GetTimestamp();

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

namespace Vigil.Domain.Health;

/// <summary>
/// How late the CMS's own work has been running: a sampler ticks every <see cref="Period"/>, and a tick that comes later
/// than that is a stall of the difference (the process was paused, starved of CPU, or its thread pool was saturated).
/// A probe that timed out while the CMS stalled tells nothing about the server (<see cref="ProbeEvidence"/>). Times are
/// monotonic offsets, not wall-clock times; stalls older than <see cref="Retention"/> are forgotten. Thread-safe.
/// </summary>
public sealed class StallWatch
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    /// <summary>Longer than any probe timeout, so a probe's whole life is covered.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(1);

    private readonly Queue<(TimeSpan End, TimeSpan Length)> _stalls = new();
    private readonly Lock _lock = new();
    private TimeSpan? _last;

    /// <summary>The sampler's tick at <paramref name="now"/>.</summary>
    public void Tick(TimeSpan now)
    {
        lock (_lock)
        {
            if (_last is { } last && now - last - Period is { } late && late > TimeSpan.Zero)
            {
                _stalls.Enqueue((now, late));
            }

            _last = now;
            while (_stalls.TryPeek(out var oldest) && now - oldest.End > Retention)
            {
                _stalls.Dequeue();
            }
        }
    }

    /// <summary>
    /// The longest stall that ended after <paramref name="since"/>, or the one going on now (the sampler is late at
    /// <paramref name="now"/>); zero when the sampler has never ticked (nothing is known, so nothing is excused).
    /// </summary>
    public TimeSpan WorstSince(TimeSpan since, TimeSpan now)
    {
        lock (_lock)
        {
            if (_last is not { } last)
            {
                return TimeSpan.Zero;
            }

            var ongoing = now - last - Period;
            var ended = _stalls.Where(s => s.End > since).Select(s => s.Length).DefaultIfEmpty(TimeSpan.Zero).Max();
            return ongoing > ended ? ongoing : ended;
        }
    }
}

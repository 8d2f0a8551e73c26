namespace Vigil.Agent.Security;

/// <summary>
/// Slows down guessing the admin password through pairing: after <see cref="MaxFailures"/> wrong
/// passwords within <see cref="Window"/>, pairing is refused until the oldest of them is a window old.
/// Successful pairings do not count, so a CMS adding or re-pairing many times is never held up.
/// </summary>
public sealed class PairingThrottle(TimeProvider time)
{
    public const int MaxFailures = 10;

    public static TimeSpan Window { get; } = TimeSpan.FromMinutes(1);

    private readonly Queue<DateTimeOffset> _failures = new();
    private readonly Lock _gate = new();

    /// <summary>How long until pairing may be tried again; zero when it may now.</summary>
    public TimeSpan RetryAfter()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            while (_failures.Count > 0 && now - _failures.Peek() >= Window)
            {
                _failures.Dequeue();
            }

            return _failures.Count >= MaxFailures ? Window - (now - _failures.Peek()) : TimeSpan.Zero;
        }
    }

    public void RecordFailure()
    {
        lock (_gate)
        {
            _failures.Enqueue(time.GetUtcNow());
        }
    }
}

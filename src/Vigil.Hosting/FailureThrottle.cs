using System.Net;

namespace Vigil.Hosting;

/// <summary>
/// Slows down password guessing per client address: after <see cref="MaxFailures"/> wrong passwords from
/// one address within <see cref="Window"/>, that address is refused until the oldest of them is a window
/// old. Other addresses are not affected, and successes do not count. The table holds at most
/// <see cref="MaxAddresses"/> addresses: when full, expired ones go first, then the one idle longest, so a
/// flood from many addresses costs bounded memory.
/// </summary>
public sealed class FailureThrottle(TimeProvider time)
{
    public const int MaxFailures = 10;

    public const int MaxAddresses = 10_000;

    public static TimeSpan Window { get; } = TimeSpan.FromMinutes(1);

    private readonly Dictionary<IPAddress, Queue<DateTimeOffset>> _failures = [];
    private readonly Lock _gate = new();

    public int TrackedAddresses
    {
        get
        {
            lock (_gate)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>How long until <paramref name="address"/> may try again; zero when it may now.</summary>
    public TimeSpan RetryAfter(IPAddress? address)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (!_failures.TryGetValue(Key(address), out var failures) || Expire(failures, now) < MaxFailures)
            {
                return TimeSpan.Zero;
            }

            return Window - (now - failures.Peek());
        }
    }

    public void RecordFailure(IPAddress? address)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var key = Key(address);
            if (!_failures.TryGetValue(key, out var failures))
            {
                MakeRoom(now);
                failures = new Queue<DateTimeOffset>();
                _failures[key] = failures;
            }

            failures.Enqueue(now);

            // Failures beyond the limit add nothing: the address is refused either way.
            while (failures.Count > MaxFailures)
            {
                failures.Dequeue();
            }
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (_failures.Count < MaxAddresses)
        {
            return;
        }

        foreach (var (key, failures) in _failures.ToList())
        {
            if (Expire(failures, now) == 0)
            {
                _failures.Remove(key);
            }
        }

        if (_failures.Count >= MaxAddresses)
        {
            _failures.Remove(_failures.MinBy(f => f.Value.Last()).Key);
        }
    }

    private static int Expire(Queue<DateTimeOffset> failures, DateTimeOffset now)
    {
        while (failures.Count > 0 && now - failures.Peek() >= Window)
        {
            failures.Dequeue();
        }

        return failures.Count;
    }

    /// <summary>An IPv4 client seen on a dual-stack socket is the same client as over IPv4.</summary>
    private static IPAddress Key(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}

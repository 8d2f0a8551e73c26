namespace Vigil.Hosting.Transfers;

/// <summary>
/// Ends a transfer that makes no progress for a while, however long it runs while bytes flow: a recording of an hour
/// may take minutes to copy, and a copy whose peer went silent must not hold the restore for ever.
/// </summary>
public sealed class StallWatch : IDisposable
{
    private readonly TimeSpan _after;
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public StallWatch(TimeSpan after, TimeProvider time, CancellationToken cancellationToken)
    {
        _after = after;
        _timer = new CancellationTokenSource(after, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _timer.Token);
    }

    /// <summary>Cancelled when the transfer stalls or the caller cancels.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the transfer was ended for making no progress.</summary>
    public bool Stalled => _timer.IsCancellationRequested;

    /// <summary>Bytes moved: the transfer has another full <c>after</c> to move more.</summary>
    public void Progressed() => _timer.CancelAfter(_after);

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}

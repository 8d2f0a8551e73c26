namespace Vigil.Cms.Leadership;

/// <summary>
/// One stretch of leadership in this process: its <see cref="Token"/> is cancelled when the term ends, either because
/// no renewal succeeded in time (the deadline is a timer, so it fires even while a renewal hangs) or because the host
/// gave the lease up. A term never restarts: a host that loses the lease restarts, so nothing it held in memory as
/// leader survives into a later term.
/// </summary>
internal sealed class LeaderTerm : IDisposable
{
    private readonly CancellationTokenSource _end;
    private readonly LeaseTerms? _terms;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <param name="sentAt">The <see cref="TimeProvider.GetTimestamp"/> at which the request that won the lease was sent.</param>
    public LeaderTerm(LeaseGrant grant, long sentAt, LeaseTerms terms, TimeProvider time)
    {
        Grant = grant;
        _terms = terms;
        _time = time;
        _end = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        Extend(sentAt);
    }

    private LeaderTerm(LeaseGrant grant, TimeProvider time)
    {
        Grant = grant;
        _time = time;
        _end = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    public LeaseGrant Grant { get; }

    /// <summary>A lone host's term (SQLite): generation 0, never renewed, ended only by the host's stop.</summary>
    public static LeaderTerm Unending(long term, DateTimeOffset since, TimeProvider time) =>
        new(new LeaseGrant(0, term, since, IsNew: true, PreviousHolderName: null), time);

    public CancellationToken Token => _end.Token;

    public bool HasEnded => _end.IsCancellationRequested;

    /// <summary>A renewal sent at <paramref name="sentAt"/> succeeded: act until <see cref="LeaseTerms.ActFor"/> after that send.</summary>
    /// <returns>False when the term had already ended, or the renewal came back too late to extend it.</returns>
    public bool Extend(long sentAt)
    {
        if (_terms is null)
        {
            return !_end.IsCancellationRequested;
        }

        lock (_gate)
        {
            var left = _terms.ActFor - _time.GetElapsedTime(sentAt);
            if (_end.IsCancellationRequested)
            {
                return false;
            }

            if (left <= TimeSpan.Zero)
            {
                _end.Cancel();
                return false;
            }

            _end.CancelAfter(left);
            return true;
        }
    }

    public void End()
    {
        lock (_gate)
        {
            _end.Cancel();
        }
    }

    public void Dispose() => _end.Dispose();
}

namespace Vigil.Cms.Failover;

/// <summary>Lets a loop sleep until its next round or until something worth a look happens, whichever comes first.</summary>
internal sealed class Wakeup
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Signal() => _signal.TrySetResult();

    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var signal = _signal.Task;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, stop.Token);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (signal.IsCompleted)
        {
            Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }
}

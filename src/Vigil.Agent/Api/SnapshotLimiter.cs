namespace Vigil.Agent.Api;

/// <summary>
/// At most <see cref="MaxConcurrent"/> snapshots at once: each one runs an ffmpeg for up to 20 s, so a caller
/// asking for many in parallel would otherwise take the CPU and memory the recorders need.
/// </summary>
public sealed class SnapshotLimiter : IDisposable
{
    public const int MaxConcurrent = 2;

    private readonly SemaphoreSlim _slots = new(MaxConcurrent, MaxConcurrent);

    /// <summary>Takes a slot if one is free; dispose the answer to give it back. Null when all are taken.</summary>
    public IDisposable? TryEnter() => _slots.Wait(0) ? new Slot(_slots) : null;

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}

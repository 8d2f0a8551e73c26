namespace Vigil.Cms.WebConsole;

/// <summary>
/// The dashboard's state, built at most once per <see cref="MaxAge"/> however many consoles are open: every console's
/// stream takes the same copy, and one built while others waited is handed to them too. At 10 000 servers a build reads
/// every server, group and open failover, so one build per console twice a second grew with the number of operators.
/// </summary>
internal sealed class SharedSnapshot(Func<CancellationToken, Task<string>> build, TimeProvider time) : IDisposable
{
    /// <summary>Half of <see cref="LiveUpdates.Interval"/>: a console that looks each interval never sees a copy older than that.</summary>
    public static TimeSpan MaxAge { get; } = LiveUpdates.Interval / 2;

    private readonly SemaphoreSlim _building = new(1, 1);
    private Built? _latest;

    /// <summary>The latest copy if it is fresh enough; otherwise one build, shared by every caller waiting for it.</summary>
    public async Task<string> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } json)
        {
            return json;
        }

        await _building.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } builtWhileWaiting)
            {
                return builtWhileWaiting;
            }

            // Stamped before building, so a change made during the build is picked up by the next one.
            var began = time.GetTimestamp();
            var built = await build(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _latest, new Built(began, built));
            return built;
        }
        finally
        {
            _building.Release();
        }
    }

    public void Dispose() => _building.Dispose();

    private string? Fresh() => Volatile.Read(ref _latest) is { } latest && time.GetElapsedTime(latest.At) < MaxAge ? latest.Json : null;

    private sealed record Built(long At, string Json);
}

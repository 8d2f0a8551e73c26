namespace Vigil.Testing;

/// <summary>
/// Waits for a condition with a deadline, polling; never a fixed sleep. Only transport errors (a process that is
/// not listening yet, a call that timed out) are retried; anything else, such as a <c>.Single()</c> over a list that
/// is wrong, fails the test at once with its own message instead of as a misleading timeout.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan deadline, string what)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < deadline)
        {
            try
            {
                if (await probe().ConfigureAwait(false) is { } value)
                {
                    return value;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
            {
                last = e;
            }

            await Task.Delay(Poll).ConfigureAwait(false);
        }

        throw new TimeoutException($"Waited {deadline.TotalSeconds:0} s for {what}." + (last is null ? string.Empty : $" Last error: {last.Message}"), last);
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return GetAsync(async () => await condition().ConfigureAwait(false) ? string.Empty : null, deadline, what);
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan deadline, string what)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return UntilAsync(() => Task.FromResult(condition()), deadline, what);
    }
}

namespace Vigil.Cms.Alerts;

/// <summary>
/// When a failed delivery is tried again: soon at first (a receiver restarting), then further apart, for about
/// eight hours in all, so an endpoint down overnight still gets the alert in the morning; then it is given up
/// and stays in the delivery log as failed.
/// </summary>
internal static class RetrySchedule
{
    private static readonly TimeSpan[] Delays =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(4),
    ];

    /// <summary>Attempts in all, the first one included.</summary>
    public static int MaxAttempts => Delays.Length + 1;

    /// <summary>The wait after failed attempt number <paramref name="attempts"/> (1-based); null once retries are exhausted.</summary>
    public static TimeSpan? After(int attempts) =>
        attempts >= 1 && attempts <= Delays.Length ? Delays[attempts - 1] : null;
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Restore;

namespace Vigil.Agent.Recording;

/// <summary>
/// Ages out own recordings, and the partial files of restores nobody continues, at start and then once a minute, on its
/// own timer: a reconcile that keeps failing (a database or disk problem) or a busy recorder never holds retention back,
/// and nobody has to ask for it.
/// </summary>
public sealed partial class RetentionTimer(RetentionEnforcer retention, AbandonedPartials partials, TimeProvider time, ILogger<RetentionTimer> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                EnforceGuarded();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>A failed pass (a file or the catalog out of reach) is logged; the next tick tries again.</summary>
    private void EnforceGuarded()
    {
        try
        {
            var now = time.GetUtcNow();
            var deleted = retention.Enforce(now);
            if (deleted > 0)
            {
                LogAgedOut(logger, deleted);
            }

            var pruned = partials.Prune(now);
            if (pruned > 0)
            {
                LogPartialsPruned(logger, pruned, AbandonedPartials.KeptFor.TotalDays);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Retention deleted {Count} recording(s) older than their camera's retention")]
    private static partial void LogAgedOut(ILogger logger, int count);

    [LoggerMessage(EventId = 2403, Level = LogLevel.Information,
        Message = "Deleted {Count} partial restored file(s) untouched for {Days} days: a restore that comes back for them fetches them again")]
    private static partial void LogPartialsPruned(ILogger logger, int count, double days);

    [LoggerMessage(EventId = 2402, Level = LogLevel.Error, Message = "Enforcing retention failed; trying again at the next tick")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

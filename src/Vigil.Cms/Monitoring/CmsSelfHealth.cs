using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Failover;
using Vigil.Cms.Metrics;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// The CMS watching itself: each probe round's lateness goes to the metrics and to the <see cref="OverloadTracker"/>,
/// and becoming overloaded or recovering is written to the event log (so alerted, as <c>cms.overloaded</c> and
/// <c>cms.recovered</c>) with how late the rounds were. While it is overloaded, probes that time out are not counted
/// against their servers (<see cref="ProbeRound"/>): failure detection by silence waits, refusals still count.
/// </summary>
internal sealed partial class CmsSelfHealth(IServiceScopeFactory scopes, CmsMetrics metrics, TimeProvider time, ILogger<CmsSelfHealth> logger)
{
    private readonly OverloadTracker _tracker = new();
    private volatile CmsCondition _condition = new(false, null, null);

    public bool IsOverloaded => _tracker.IsOverloaded;

    /// <summary>What the API, the console and <c>vigil status</c> show: overloaded or not, since when and why.</summary>
    public CmsCondition Condition => _condition;

    public async Task RoundStartedAsync(TimeSpan lag, TimeSpan interval, CancellationToken cancellationToken)
    {
        metrics.RoundStarted(lag);
        if (!_tracker.Observe(lag, interval))
        {
            return;
        }

        var reason = _tracker.IsOverloaded
            ? $"a probe round started {lag.TotalSeconds:0.0} s late (interval {interval.TotalSeconds:0.0} s): the CMS is short of CPU, was paused, or waits on its database; failures may be detected late"
            : $"{OverloadTracker.OnTimeRoundsToRecover} probe rounds in a row started on time";
        _condition = new CmsCondition(_tracker.IsOverloaded, time.GetUtcNow(), reason);
        LogOverload(logger, _tracker.IsOverloaded ? EventLog.Overloaded : EventLog.Recovered, reason);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Events.Add(EventLog.Cms(_tracker.IsOverloaded, reason, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogNotRecorded(logger, e);
        }
    }

    [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "The CMS is {State}: {Reason}")]
    private static partial void LogOverload(ILogger logger, string state, string reason);

    [LoggerMessage(EventId = 3111, Level = LogLevel.Error, Message = "The CMS's overload could not be written to the event log")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception);
}

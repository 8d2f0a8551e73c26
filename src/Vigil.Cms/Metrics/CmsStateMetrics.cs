using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Domain.Failover;

namespace Vigil.Cms.Metrics;

/// <summary>
/// The gauges that describe the site as it is, computed when Prometheus scrapes (every 15 s or so) rather than
/// kept up to date all the time: servers per role and status, open failovers per phase, footage still to restore.
/// Every status and phase is exported, at 0 when none is in it, so a panel or an alert never looks at a missing series.
/// </summary>
internal sealed partial class CmsStateMetrics
{
    private static readonly FailoverPhase[] OpenPhases =
    [
        FailoverPhase.Detected, FailoverPhase.Assigning, FailoverPhase.TakingOver, FailoverPhase.Active,
        FailoverPhase.FailingBack, FailoverPhase.Restoring, FailoverPhase.Cleaning,
    ];

    private readonly IServiceScopeFactory _scopes;
    private readonly FailoverLedger _ledger;
    private readonly Gauge _servers;
    private readonly Gauge _failovers;
    private readonly Gauge _restoreRemaining;

    private readonly ILogger<CmsStateMetrics> _logger;

    public CmsStateMetrics(CollectorRegistry registry, IServiceScopeFactory scopes, FailoverLedger ledger, ILogger<CmsStateMetrics> logger)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _scopes = scopes;
        _ledger = ledger;
        _logger = logger;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _servers = factory.CreateGauge("vigil_servers", "Managed servers by role (recording, standby) and status (normal_protected, abnormal_unprotected, normal_ready, ...).",
            new GaugeConfiguration { LabelNames = ["role", "status"] });
        _failovers = factory.CreateGauge("vigil_failovers_open", "Open failovers by phase (detected, assigning, takingover, active, failingback, restoring, cleaning).",
            new GaugeConfiguration { LabelNames = ["phase"] });
        _restoreRemaining = factory.CreateGauge("vigil_restore_remaining_bytes", "Failover footage of open failovers not yet copied home (restores that have started counting).");
        registry.AddBeforeCollectCallback(UpdateAsync);
    }

    private async Task UpdateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await UpdateServersAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without its database the CMS still answers the scrape (its own health above all); the server gauges keep
            // their last values and the log says why.
            LogServersNotRead(_logger, e);
        }

        var open = _ledger.Open;
        foreach (var phase in OpenPhases)
        {
            _failovers.WithLabels(FailoverLedger.PhaseName(phase)).Set(open.Count(e => e.Phase == phase));
        }

        _restoreRemaining.Set(open.Sum(e => Math.Max(0, e.Restore.BytesTotal - e.Restore.BytesCopied)));
    }

    private async Task UpdateServersAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<ServerViews>().SummaryAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (status, count) in summary.Recording)
        {
            _servers.WithLabels("recording", status).Set(count);
        }

        foreach (var (status, count) in summary.Standby)
        {
            _servers.WithLabels("standby", status).Set(count);
        }
    }

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Servers per status could not be read for a metrics scrape")]
    private static partial void LogServersNotRead(ILogger logger, Exception exception);
}

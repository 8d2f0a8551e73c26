using Microsoft.Extensions.Hosting;

namespace Vigil.Cms.Leadership;

/// <summary>
/// Runs a loop that acts on recording servers (probing, the failover engine, drills, alerts, updates) only while this
/// host leads. The loop is started with a token that the end of the term cancels, so it stops acting the moment the
/// term ends, before the lease can lapse, even if the host's shutdown is slow.
/// </summary>
internal sealed class LeaderOnlyService(BackgroundService inner, HostLeadership leadership) : BackgroundService
{
    private bool _started;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var term = await leadership.WaitForTermAsync(stoppingToken).ConfigureAwait(false);
        using var acting = CancellationTokenSource.CreateLinkedTokenSource(term.Token, stoppingToken);
        await inner.StartAsync(acting.Token).ConfigureAwait(false);
        _started = true;
        try
        {
            // A loop that fails for another reason than the end of the term fails this service, and so stops the host
            // as it did before leadership existed (HostOptions.BackgroundServiceExceptionBehavior).
            await (inner.ExecuteTask ?? Task.CompletedTask).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (acting.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_started)
        {
            await inner.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

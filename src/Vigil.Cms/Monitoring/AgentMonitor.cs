using Microsoft.Extensions.Hosting;
using Vigil.Cms.Inventory;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// Runs a <see cref="ProbeRound"/> once per probe interval for as long as the CMS runs; the inventory
/// copies it starts go on beside the next rounds.
/// </summary>
internal sealed class AgentMonitor(ProbeRound rounds, HealthBoard board, SettingsStore settings, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        settings.Changed += board.Apply;
        board.Apply(settings.Failover);
        while (!stoppingToken.IsCancellationRequested)
        {
            var round = rounds.RunAsync(stoppingToken);
            try
            {
                await Task.Delay(settings.Failover.ProbeInterval, time, stoppingToken).ConfigureAwait(false);
                await round.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

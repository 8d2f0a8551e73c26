using Microsoft.Extensions.Hosting;
using Vigil.Cms.Inventory;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// Runs a <see cref="ProbeRound"/> once per probe interval for as long as the CMS runs; the inventory
/// copies it starts go on beside the next rounds. How late each round starts is the CMS's own health
/// (<see cref="CmsSelfHealth"/>).
/// </summary>
internal sealed class AgentMonitor(ProbeRound rounds, HealthBoard board, SettingsStore settings, CmsSelfHealth self, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        settings.Changed += board.Apply;
        board.Apply(settings.Failover);
        long? previous = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            // A round starts one interval after the one before, unless that one was slow or the CMS itself was late.
            var now = time.GetTimestamp();
            if (previous is { } last)
            {
                var interval = settings.Failover.ProbeInterval;
                await self.RoundStartedAsync(time.GetElapsedTime(last, now) - interval, interval, stoppingToken).ConfigureAwait(false);
            }

            previous = now;

            // The interval is counted from the round's start: over HTTP/1.1 a round writes its first probes before
            // it returns, which would otherwise add their sending time to every interval.
            var next = Task.Delay(settings.Failover.ProbeInterval, time, stoppingToken);
            var round = rounds.RunAsync(stoppingToken);
            try
            {
                await next.ConfigureAwait(false);
                await round.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

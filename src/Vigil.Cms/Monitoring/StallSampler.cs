using Microsoft.Extensions.Hosting;
using Vigil.Domain.Health;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// Ticks <see cref="CmsStalls"/> every <see cref="StallWatch.Period"/> on the thread pool, as the probes' own timers and
/// answers run: when the process is paused or starved, its ticks come late exactly when the probes' answers would be
/// read late. Cheap: ten wake-ups a second and no allocation per tick.
/// </summary>
internal sealed class StallSampler(CmsStalls stalls, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(StallWatch.Period, time);
        stalls.Tick();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                stalls.Tick();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

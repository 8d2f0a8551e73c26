using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Media;

namespace Vigil.CamSim;

/// <summary>All simulated cameras, started and stopped with the host.</summary>
/// <remarks>
/// Frame timestamps count seconds from <see cref="Epoch"/>, midnight UTC of the day the simulator started.
/// </remarks>
public sealed class CameraSimulator : IHostedService
{
    private readonly List<SimulatedCamera> _cameras;

    public CameraSimulator(int count, MediaTools tools, TimeProvider time, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        Epoch = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        _cameras = Enumerable.Range(1, count)
            .Select(n => new SimulatedCamera(n, Epoch, tools, time, loggers.CreateLogger<SimulatedCamera>()))
            .ToList();
    }

    public DateTimeOffset Epoch { get; }

    public IReadOnlyList<SimulatedCamera> Cameras => _cameras;

    public SimulatedCamera? Find(int number) => number >= 1 && number <= _cameras.Count ? _cameras[number - 1] : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var camera in _cameras)
        {
            camera.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var camera in _cameras)
        {
            await camera.DisposeAsync().ConfigureAwait(false);
        }
    }
}

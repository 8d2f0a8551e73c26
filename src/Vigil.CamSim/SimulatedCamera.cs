using Microsoft.Extensions.Logging;
using Vigil.Media;

namespace Vigil.CamSim;

/// <summary>
/// One simulated camera: an ffmpeg encoder whose output is fanned out to every client, restarted if it
/// dies. A dark camera drops its clients and refuses new ones, as a camera that left the network would;
/// its encoder keeps running so that it comes back at once.
/// </summary>
public sealed partial class SimulatedCamera(int number, DateTimeOffset epoch, MediaTools tools, TimeProvider time, ILogger logger)
    : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    public int Number { get; } = number;

    public StreamFanOut Stream { get; } = new();

    public bool IsDark { get; private set; }

    /// <summary>Whether the encoder has produced video since it last (re)started.</summary>
    public bool IsLive { get; private set; }

    public void Start() => _pump = Task.Run(() => RunAsync(_stop.Token));

    public void SetDark(bool dark)
    {
        IsDark = dark;
        if (dark)
        {
            Stream.DisconnectAll();
        }

        LogDarkness(logger, Number, dark);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_pump is not null)
        {
            await _pump.ConfigureAwait(false);
        }

        Stream.DisconnectAll();
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await EncodeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                LogEncoderFailed(logger, Number, e.Message);
            }

            IsLive = false;
            LogEncoderRestart(logger, Number, backoff.TotalSeconds);
            try
            {
                await Task.Delay(backoff, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    private async Task EncodeAsync(CancellationToken cancellationToken)
    {
        using var encoder = ChildProcess.Start(tools.Ffmpeg, FfmpegArguments.SimulatedCamera(Number, epoch));
        var errors = encoder.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            var output = encoder.StandardOutput.BaseStream;
            var buffer = new byte[TsPacket.Size * 64];
            var filled = 0;
            while (true)
            {
                var read = await output.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
                var whole = filled - (filled % TsPacket.Size);
                if (whole > 0)
                {
                    if (!IsDark)
                    {
                        Stream.Publish(buffer.AsSpan(0, whole));
                    }

                    IsLive = true;
                    buffer.AsSpan(whole, filled - whole).CopyTo(buffer);
                    filled -= whole;
                }
            }

            await encoder.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            LogEncoderExited(logger, Number, encoder.ExitCode, (await errors.ConfigureAwait(false)).Trim());
        }
        finally
        {
            if (!encoder.HasExited)
            {
                encoder.Kill(entireProcessTree: true);
            }
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Camera {Camera}: encoder exited with code {ExitCode}: {Errors}")]
    private static partial void LogEncoderExited(ILogger logger, int camera, int exitCode, string errors);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Camera {Camera}: encoder failed: {Reason}")]
    private static partial void LogEncoderFailed(ILogger logger, int camera, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Camera {Camera}: restarting the encoder in {Seconds} s")]
    private static partial void LogEncoderRestart(ILogger logger, int camera, double seconds);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Camera {Camera}: dark = {Dark}")]
    private static partial void LogDarkness(ILogger logger, int camera, bool dark);
}

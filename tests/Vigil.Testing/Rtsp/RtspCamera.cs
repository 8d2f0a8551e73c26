using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vigil.Testing.Rtsp;

/// <summary>What a test's RTSP camera sends and allows.</summary>
/// <param name="Codec">"h264" or "h265".</param>
/// <param name="Audio">"none", "aac", or "pcmu" (G.711 µ-law, what many cameras send).</param>
/// <param name="MaxSessions">0: any number; otherwise a further SETUP is refused with 453 Not Enough Bandwidth.</param>
/// <param name="SwitchAfterSeconds">0: never; otherwise the picture grows from 320×240 to 640×480 mid-session.</param>
public sealed record RtspCameraSettings(
    string Codec = "h264", string Audio = "none", string? User = null, string? Password = null, int MaxSessions = 0,
    double SwitchAfterSeconds = 0);

/// <summary>
/// A real RTSP camera for a test: GStreamer's RTSP server (Debian's gst-rtsp-server, which nobody here wrote)
/// run by <c>rtsp-camera.py</c> on 127.0.0.1, serving a live 10 fps test pattern with a keyframe every second.
/// It can be killed and started again on the same port, as a camera that loses power; it is always killed
/// when the test is done with it.
/// </summary>
public sealed class RtspCamera : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(20);
    private static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Rtsp", "rtsp-camera.py");

    private RtspCameraSettings _settings;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;

    private RtspCamera(int port, RtspCameraSettings settings)
    {
        Port = port;
        _settings = settings;
    }

    public int Port { get; }

    /// <summary>The stream's address with the camera's credentials in it, as an operator would type it.</summary>
    public string Url => _settings.User is { } user
        ? $"rtsp://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(_settings.Password ?? string.Empty)}@127.0.0.1:{Port}/stream"
        : $"rtsp://127.0.0.1:{Port}/stream";

    public bool Running => _process is { HasExited: false };

    public string Output => string.Join('\n', _output);

    /// <summary>Starts a camera on a free loopback port and waits until it serves.</summary>
    public static async Task<RtspCamera> StartAsync(RtspCameraSettings? settings = null)
    {
        var camera = new RtspCamera(FreePort(), settings ?? new RtspCameraSettings());
        await camera.StartAgainAsync().ConfigureAwait(false);
        return camera;
    }

    /// <summary>Starts the camera (again) on its port, as after a power cut; with <paramref name="changed"/>, as a camera whose settings were changed meanwhile.</summary>
    public async Task StartAgainAsync(RtspCameraSettings? changed = null)
    {
        if (Running)
        {
            throw new InvalidOperationException("the camera is already running");
        }

        _settings = changed ?? _settings;

        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Take(e.Data, ready);
        process.ErrorDataReceived += (_, e) => Take(e.Data, ready);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"the RTSP camera exited:\n{Output}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            await ready.Task.WaitAsync(StartDeadline).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"the RTSP camera did not serve within {StartDeadline.TotalSeconds} s:\n{Output}");
        }
    }

    /// <summary>SIGSTOP: the camera freezes; its connections stay open and its port still accepts, but nothing is sent.</summary>
    public void Freeze() => Signal("STOP");

    /// <summary>SIGCONT: a frozen camera goes on.</summary>
    public void Thaw() => Signal("CONT");

    /// <summary>SIGKILL: the camera is gone at once, its port closed.</summary>
    public async Task KillAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
            process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync() => await KillAsync().ConfigureAwait(false);

    private void Signal(string signal)
    {
        var process = _process ?? throw new InvalidOperationException("the camera is not running");
        using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private List<string> Arguments()
    {
        List<string> arguments = [Script, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--codec", _settings.Codec, "--audio", _settings.Audio];
        if (_settings.User is { } user)
        {
            arguments.AddRange(["--user", user, "--password", _settings.Password ?? string.Empty]);
        }

        if (_settings.MaxSessions > 0)
        {
            arguments.AddRange(["--max-sessions", _settings.MaxSessions.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        if (_settings.SwitchAfterSeconds > 0)
        {
            arguments.AddRange(["--switch-after", _settings.SwitchAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        return arguments;
    }

    private void Take(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (line.StartsWith("ready ", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

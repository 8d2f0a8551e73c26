using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Vigil.Testing;

/// <summary>
/// A real <c>vigil</c> process started by a test: its output is kept for failure messages, its address is
/// read from its "listening on" line, and it is always killed when the test is done with it.
/// </summary>
public sealed partial class VigilProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private VigilProcess(Process process, string description)
    {
        _process = process;
        Description = description;
        _process.OutputDataReceived += (_, e) => Take(e.Data);
        _process.ErrorDataReceived += (_, e) => Take(e.Data);
        _process.Exited += (_, _) =>
        {
            // Its last words (why it stopped) may still be in the pipe: read them before saying it exited.
            _process.WaitForExit();
            _listening.TrySetException(new InvalidOperationException($"{description} exited early:\n{Output}"));
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Description { get; }

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1/");

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output => string.Join('\n', _output);

    /// <summary>Names the vigil entry assembly to run instead of the copy beside this assembly (./bench runs the product's own build).</summary>
    public const string EntryAssemblyVariable = "VIGIL_ENTRY_ASSEMBLY";

    /// <summary>Path of the vigil entry assembly: <see cref="EntryAssemblyVariable"/>, else the copy the project reference puts beside this assembly.</summary>
    public static string EntryAssembly => Environment.GetEnvironmentVariable(EntryAssemblyVariable) is { Length: > 0 } path
        ? path
        : Path.Combine(AppContext.BaseDirectory, "vigil.dll");

    /// <summary>Starts <c>vigil ARGS</c> and waits until it listens.</summary>
    public static Task<VigilProcess> StartAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        WaitUntilListeningAsync(Launch(arguments, environment));

    /// <summary>
    /// Starts <paramref name="program"/> (an installed vigil executable rather than the build's, or a parent
    /// process that runs one) with <paramref name="arguments"/> and waits until it listens. A variable whose
    /// value is null in <paramref name="environment"/> is removed from what the process inherits.
    /// </summary>
    public static Task<VigilProcess> StartProgramAsync(string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var list = arguments.ToList();
        list.ForEach(start.ArgumentList.Add);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        WithoutDiagnosticPorts(start);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Start();
        return WaitUntilListeningAsync(new VigilProcess(process, $"{Path.GetFileName(program)} {string.Join(' ', list.Take(1))}"));
    }

    private static async Task<VigilProcess> WaitUntilListeningAsync(VigilProcess vigil)
    {
        try
        {
            vigil.BaseUrl = await vigil._listening.Task.WaitAsync(StartDeadline).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await vigil.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"{vigil.Description} did not listen within {StartDeadline.TotalSeconds} s:\n{vigil.Output}");
        }

        return vigil;
    }

    /// <summary>Starts <c>vigil ARGS</c> without waiting for anything (a command that does not serve HTTP itself).</summary>
    public static VigilProcess Launch(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(EntryAssembly);
        var list = arguments.ToList();
        foreach (var argument in list)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        WithoutDiagnosticPorts(start);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Start();
        return new VigilProcess(process, $"vigil {string.Join(' ', list.Take(1))}");
    }

    /// <summary>
    /// Keeps the .NET runtime of <paramref name="start"/> from opening its diagnostic socket and debugger pipes in the
    /// temporary folder. A process killed with SIGKILL, as tests kill theirs, cannot remove them, so every such test left
    /// three files in /tmp for ever. The tests attach no tracer or debugger to what they start; a variable already set in the
    /// environment (by someone who wants to attach one) is kept.
    /// </summary>
    public static void WithoutDiagnosticPorts(ProcessStartInfo start)
    {
        ArgumentNullException.ThrowIfNull(start);
        start.Environment.TryAdd("DOTNET_EnableDiagnostics_IPC", "0");
        start.Environment.TryAdd("DOTNET_EnableDiagnostics_Debugger", "0");
    }

    /// <summary>Waits until the process exits; answers its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        await _process.WaitForExitAsync().WaitAsync(deadline).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Whether any output line so far matches <paramref name="pattern"/>; returns its first group.</summary>
    public string? Find(string pattern) =>
        _output.Select(line => Regex.Match(line, pattern)).FirstOrDefault(m => m.Success) is { } match
            ? (match.Groups.Count > 1 ? match.Groups[1].Value : match.Value)
            : null;

    /// <summary>SIGKILL: the process dies at once, mid-write, as in a power cut.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>SIGTERM, as <c>systemctl stop</c> sends: the process stops gracefully in its own time.</summary>
    public async Task TerminateAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// SIGKILL to the process and its children (an agent's ffmpeg recorders): the whole server dies at
    /// once, as when it loses power. <see cref="KillAsync"/> leaves the children, as a crash of the agent alone does.
    /// </summary>
    public async Task KillTreeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Take(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value.TrimEnd('/') + "/"));
        }
    }

    [GeneratedRegex(@"^vigil \w+ listening on (\S+)")]
    private static partial Regex ListeningLine();
}

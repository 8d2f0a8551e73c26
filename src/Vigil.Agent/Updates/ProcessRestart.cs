using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Updates;

/// <summary>
/// Runs whatever <c>current</c> points at now, once this process has stopped serving. Under systemd (the package's unit:
/// <c>INVOCATION_ID</c> is set) the process exits with <see cref="SystemdExitCode"/> and the unit starts
/// <c>/usr/bin/vigil</c> again (<c>Restart=on-failure</c>, <c>RestartForceExitStatus=75</c>): systemd keeps supervising
/// it. Standalone, it starts <c>ROOT/current/vigil</c> with the same arguments and environment in a session of its own
/// (<c>setsid</c>), so it outlives this process and whatever terminal or parent started it.
/// </summary>
internal static class ProcessRestart
{
    /// <summary>EX_TEMPFAIL: "try again", which is what the unit does.</summary>
    public const int SystemdExitCode = 75;

    private static readonly string[] SetsidPaths = ["/usr/bin/setsid", "/bin/setsid"];

    public static bool UnderSystemd => Environment.GetEnvironmentVariable("INVOCATION_ID") is { Length: > 0 };

    /// <summary>Answers the exit code this process should end with.</summary>
    public static int Run(ProgramLayout layout, ILogger logger)
    {
        if (UnderSystemd)
        {
            logger.RestartingUnderSystemd(SystemdExitCode);
            return SystemdExitCode;
        }

        var setsid = SetsidPaths.FirstOrDefault(File.Exists);
        var start = new ProcessStartInfo(setsid ?? layout.CurrentExecutable) { UseShellExecute = false };
        if (setsid is not null)
        {
            start.ArgumentList.Add(layout.CurrentExecutable);
        }

        // The first element is this program itself; the rest are the arguments it was started with.
        foreach (var argument in Environment.GetCommandLineArgs().Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{layout.CurrentExecutable} did not start.");
        logger.RestartedStandalone(layout.CurrentExecutable, process.Id);
        return 0;
    }
}

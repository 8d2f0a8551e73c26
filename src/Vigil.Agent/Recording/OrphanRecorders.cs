using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Recording;

/// <summary>
/// ffmpeg processes left running by an earlier agent process that died without stopping them (killed,
/// crashed). Each recorder's command line names a segment list inside this agent's data directory, which
/// is how they are found; they are killed before recording resumes so no camera is recorded twice.
/// </summary>
public static partial class OrphanRecorders
{
    public static int Kill(string segmentListRoot, ILogger logger)
    {
        if (!Directory.Exists("/proc"))
        {
            return 0;
        }

        var killed = 0;
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains(segmentListRoot, StringComparison.Ordinal) && commandLine.Contains("ffmpeg", StringComparison.Ordinal))
            {
                try
                {
                    using var orphan = Process.GetProcessById(pid);
                    orphan.Kill();
                    orphan.WaitForExit(TimeSpan.FromSeconds(5));
                    killed++;
                    LogKilled(logger, pid);
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Gone already.
                }
            }
        }

        return killed;
    }

    [LoggerMessage(EventId = 2202, Level = LogLevel.Warning, Message = "Killed ffmpeg {Pid} left recording by an earlier agent process")]
    private static partial void LogKilled(ILogger logger, int pid);
}

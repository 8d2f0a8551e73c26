using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Updates;

/// <summary>Every step of an update, in the log (the same steps go to the audit trail).</summary>
internal static partial class UpdateLog
{
    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Update: receiving a package ({Bytes} bytes announced) from {Who}")]
    public static partial void Receiving(this ILogger logger, long? bytes, string who);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Update refused ({Rule}): {Reason}")]
    public static partial void Refused(this ILogger logger, string rule, string reason);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "Update: package of vigil {Version} verified (signature, {Files} files); installing beside {Running}")]
    public static partial void Verified(this ILogger logger, string version, int files, string running);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Information, Message = "Update: vigil {Version} installed in {Folder}; database backed up to {Backup}")]
    public static partial void Installed(this ILogger logger, string version, string folder, string backup);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Information, Message = "Update: {Link} now points at {Target}; restarting into vigil {Version}")]
    public static partial void Switched(this ILogger logger, string link, string target, string version);

    [LoggerMessage(EventId = 2606, Level = LogLevel.Information, Message = "Update: restarting under systemd (exit code {ExitCode}, the unit starts the new program)")]
    public static partial void RestartingUnderSystemd(this ILogger logger, int exitCode);

    [LoggerMessage(EventId = 2607, Level = LogLevel.Information, Message = "Update: started {Executable} (process {Pid}) in its own session; this process stops")]
    public static partial void RestartedStandalone(this ILogger logger, string executable, int pid);

    [LoggerMessage(EventId = 2608, Level = LogLevel.Information, Message = "Update: vigil {Version} checks its health (start {Start} of at most {MaxStarts})")]
    public static partial void Confirming(this ILogger logger, string version, int start, int maxStarts);

    [LoggerMessage(EventId = 2609, Level = LogLevel.Information, Message = "Update: vigil {Version} passed its health check; the update from {From} is done")]
    public static partial void Updated(this ILogger logger, string version, string? from);

    [LoggerMessage(EventId = 2610, Level = LogLevel.Error, Message = "Update to vigil {Version} failed its check, rolling back to {Target}: {Reason}")]
    public static partial void RollingBack(this ILogger logger, string? version, string? target, string reason);

    [LoggerMessage(EventId = 2611, Level = LogLevel.Information, Message = "Update: waiting for port {Port} to be free (the previous process is stopping)")]
    public static partial void WaitingForPort(this ILogger logger, int port);

    [LoggerMessage(EventId = 2612, Level = LogLevel.Warning, Message = "Update: the agent stopped during an update to {Version}, before switching versions; nothing changed")]
    public static partial void Interrupted(this ILogger logger, string? version);

    [LoggerMessage(EventId = 2613, Level = LogLevel.Error, Message = "Update: installing vigil {Version} failed; nothing was switched")]
    public static partial void InstallFailed(this ILogger logger, Exception exception, string version);
}

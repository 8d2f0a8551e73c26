using Microsoft.Extensions.Logging;

namespace Vigil.Agent.Updates;

/// <summary>
/// What this process does once its host has stopped: nothing (an ordinary stop), restart into the version <c>current</c>
/// points at (an update was installed), or roll back first (the new version failed its check). Decided while serving,
/// done after the stop, when the port is free, the recorders are stopped and the database is closed.
/// </summary>
internal sealed class UpdateRestart(ProgramLayout layout, UpdateStateFile stateFile, AgentOptions options, TimeProvider time, ILogger<UpdateRestart> logger)
{
    private volatile bool _requested;
    private volatile string? _rollbackReason;

    public void RestartIntoCurrent() => _requested = true;

    public void RollBackAndRestart(string reason)
    {
        _rollbackReason = reason;
        _requested = true;
    }

    /// <summary>Answers the exit code of the process.</summary>
    public int AfterStop()
    {
        if (!_requested)
        {
            return 0;
        }

        if (_rollbackReason is { } reason)
        {
            UpdateRollback.Run(layout, stateFile, options.DataDirectory, reason, time, logger);
        }

        return ProcessRestart.Run(layout, logger);
    }
}

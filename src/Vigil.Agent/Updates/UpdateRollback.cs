using Microsoft.Extensions.Logging;
using Vigil.Contracts.Agent;

namespace Vigil.Agent.Updates;

/// <summary>
/// Undoes a switch the new version could not confirm: <c>current</c> points at the version it came from again, the
/// database is the backup taken before the switch (segments recorded meanwhile are catalogued again from the files at
/// the next start), and the state says <c>rolled_back</c> with the reason. The caller then restarts into the old version.
/// </summary>
internal static class UpdateRollback
{
    public static void Run(ProgramLayout layout, UpdateStateFile file, string dataDirectory, string reason, TimeProvider time, ILogger logger)
    {
        var state = file.Read();
        logger.RollingBack(state.ToVersion, state.PreviousTarget, reason);
        if (layout.Updatable && state.PreviousTarget is { } previous)
        {
            CurrentLink.Switch(layout, previous);
        }

        if (state.DatabaseBackup is { } backup && File.Exists(backup))
        {
            DatabaseBackup.Restore(dataDirectory, backup);
        }

        file.Write(state with
        {
            State = AgentUpdateStates.RolledBack,
            Reason = reason,
            At = time.GetUtcNow(),
            Starts = 0,
            RestartPending = true,
            PendingAudit = $"rolled back from {state.ToVersion} to {state.FromVersion}: {reason}",
        });
    }
}

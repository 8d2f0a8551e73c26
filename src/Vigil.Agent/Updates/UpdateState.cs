using Vigil.Contracts.Agent;

namespace Vigil.Agent.Updates;

/// <summary>
/// The last update as the state file keeps it across restarts: the public part (<see cref="AgentUpdateStatus"/>) and
/// what a later process needs to finish or undo it.
/// </summary>
/// <param name="Starts">Starts of the new version that did not pass its check yet; too many and it is rolled back.</param>
/// <param name="PreviousTarget">Where <c>current</c> pointed before the switch (<c>versions/0.1.0</c>): where a rollback points it again.</param>
/// <param name="DatabaseBackup">The agent database as it was before the switch, restored by a rollback (migrations only go forward).</param>
/// <param name="RestartPending">Set by a process that restarts into another: the successor waits until the port is free.</param>
/// <param name="PendingAudit">An audit entry for the next process that opens the database (a rollback decided before it was open).</param>
internal sealed record UpdateState(
    string State,
    string? FromVersion,
    string? ToVersion,
    string? Reason,
    DateTimeOffset? At,
    int Starts = 0,
    string? PreviousTarget = null,
    string? DatabaseBackup = null,
    bool RestartPending = false,
    string? PendingAudit = null)
{
    public static UpdateState Idle { get; } = new(AgentUpdateStates.Idle, null, null, null, null);

    /// <summary>A process is, or was when it died, in the middle of an update it started itself.</summary>
    public bool InProgress => State is AgentUpdateStates.Verifying or AgentUpdateStates.Installing;

    /// <summary>The new version runs (or should) and has not confirmed itself yet.</summary>
    public bool AwaitingConfirmation => State is AgentUpdateStates.Restarting or AgentUpdateStates.Confirming;
}

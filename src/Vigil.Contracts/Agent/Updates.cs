namespace Vigil.Contracts.Agent;

/// <summary>Where an agent's update stands, as <c>GET</c> <see cref="AgentRoutes.Update"/> answers it.</summary>
/// <param name="State">One of <see cref="AgentUpdateStates"/>.</param>
/// <param name="RunningVersion">The version of the process that answers.</param>
/// <param name="FromVersion">The version the last update started from, if any.</param>
/// <param name="ToVersion">The version the last update moves (or moved) to, if any.</param>
/// <param name="Reason">Why the last update failed or was rolled back, in words; null otherwise.</param>
/// <param name="At">When <paramref name="State"/> was entered.</param>
/// <param name="Updatable">Whether this agent runs from an installed layout it can update (<c>versions/X.Y.Z</c> beside a <c>current</c> link).</param>
/// <param name="NotUpdatableReason">Why it cannot, when <paramref name="Updatable"/> is false.</param>
public sealed record AgentUpdateStatus(
    string State,
    string RunningVersion,
    string? FromVersion,
    string? ToVersion,
    string? Reason,
    DateTimeOffset? At,
    bool Updatable,
    string? NotUpdatableReason);

/// <summary>The states of <see cref="AgentUpdateStatus.State"/>.</summary>
public static class AgentUpdateStates
{
    /// <summary>No update has run, or the last one is long done.</summary>
    public const string Idle = "idle";

    /// <summary>A package arrived and is being checked (signature, every file's SHA-256, versions).</summary>
    public const string Verifying = "verifying";

    /// <summary>The verified version is being laid out beside the running one; the database is backed up.</summary>
    public const string Installing = "installing";

    /// <summary>The <c>current</c> link points at the new version and the agent restarts into it.</summary>
    public const string Restarting = "restarting";

    /// <summary>The new version runs and checks its own health before it commits to it.</summary>
    public const string Confirming = "confirming";

    /// <summary>The new version runs and passed its health check.</summary>
    public const string Updated = "updated";

    /// <summary>The new version failed its health check; the previous one runs again (see the reason).</summary>
    public const string RolledBack = "rolled_back";

    /// <summary>The package was refused or could not be installed; nothing changed (see the reason).</summary>
    public const string Failed = "failed";
}

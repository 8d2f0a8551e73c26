namespace Vigil.Domain.Inventory;

public enum ServerRole
{
    /// <summary>Records its own cameras; a standby takes them over when it fails.</summary>
    Recording,

    /// <summary>Records nothing of its own; waits to take over a failed recording server of its group.</summary>
    Standby,
}

namespace Vigil.Domain.Planning;

/// <summary>A recording server that needs a standby now.</summary>
/// <param name="Priority">Lower is protected first when there are not enough standbys.</param>
/// <param name="RequiredFreeBytes">Free space a standby needs in an empty recording space to record its cameras.</param>
public sealed record FailedServer(ServerId Id, GroupId Group, int Priority, int LicenseChannels, long RequiredFreeBytes);

/// <summary>A standby as the planner sees it.</summary>
/// <param name="Priority">The group's order of preference among its standbys: lower is chosen first.</param>
/// <param name="Ready">Functional, not protecting, eligible, no unresolved protection failure (status <c>normal_ready</c>).</param>
/// <param name="FreeBytes">Free space in its largest empty recording space.</param>
public sealed record StandbyCandidate(
    ServerId Id, GroupId Group, int Priority, bool Enabled, bool Ready, int LicenseChannels, long FreeBytes)
{
    public bool IsAvailable => Enabled && Ready;

    public bool CanProtect(FailedServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return IsAvailable
            && Group == server.Group
            && LicenseChannels >= server.LicenseChannels
            && FreeBytes >= server.RequiredFreeBytes;
    }
}

/// <summary>A standby chosen to take over a recording server.</summary>
public sealed record Assignment(ServerId RecordingServer, ServerId Standby);

/// <summary>A failed recording server no standby can take over now, and why.</summary>
public sealed record UnprotectedServer(ServerId RecordingServer, string Reason);

public sealed record TakeoverPlan(IReadOnlyList<Assignment> Assignments, IReadOnlyList<UnprotectedServer> Unprotected)
{
    public ServerId? StandbyFor(ServerId recordingServer) =>
        Assignments.FirstOrDefault(a => a.RecordingServer == recordingServer)?.Standby;
}

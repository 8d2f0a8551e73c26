namespace Vigil.Domain.Inventory;

/// <summary>A folder an agent records into, as the agent last reported it.</summary>
public sealed record RecordingSpace(string Path, long CapacityBytes, long FreeBytes, bool IsEmpty);

/// <summary>What an agent last reported about itself: the facts the CMS keeps because a dead server cannot tell them.</summary>
public sealed record AgentReport(
    string Model,
    string Serial,
    Version AgentVersion,
    int LicenseChannels,
    IReadOnlyList<RecordingSpace> Spaces,
    int CameraCount)
{
    public bool HasEmptySpace => Spaces.Any(s => s.IsEmpty);

    /// <summary>The most free space in any one empty recording space: what a takeover could record into.</summary>
    public long LargestEmptySpaceFreeBytes => Spaces.Where(s => s.IsEmpty).Select(s => s.FreeBytes).DefaultIfEmpty(0).Max();
}

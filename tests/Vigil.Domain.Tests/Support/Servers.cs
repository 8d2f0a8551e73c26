using Vigil.Domain.Inventory;

namespace Vigil.Domain.Tests.Support;

/// <summary>Builds the servers and groups the domain tests talk about.</summary>
internal static class Servers
{
    public static readonly Version CmsVersion = new(1, 2, 0);

    public static readonly FailoverGroup Group1 = new(new GroupId(1), FailoverGroup.DefaultName, ProtectionEnabled: true, IsDefault: true);

    public static readonly FailoverGroup Group2 = new(new GroupId(2), "Warehouse", ProtectionEnabled: true, IsDefault: false);

    public static AgentReport Report(
        int licenseChannels = 16, int cameras = 0, bool emptySpace = true, long freeBytes = 2_000_000_000_000, Version? version = null) =>
        new("VS-1000", "SN1", version ?? CmsVersion, licenseChannels,
            [new RecordingSpace("/srv/space1", 4_000_000_000_000, freeBytes, emptySpace)], cameras);

    public static ManagedServer Recording(int id, int licenseChannels = 16, int priority = 0, GroupId? group = null, bool enabled = true) =>
        new(new ServerId(id), $"rec-{id}", ServerRole.Recording, enabled, group ?? Group1.Id, priority,
            Report(licenseChannels, cameras: 4, emptySpace: false));

    public static ManagedServer Standby(
        int id, int licenseChannels = 16, int priority = 0, GroupId? group = null, bool enabled = true, AgentReport? report = null) =>
        new(new ServerId(id), $"sb-{id}", ServerRole.Standby, enabled, group ?? Group1.Id, priority,
            report ?? Report(licenseChannels));
}

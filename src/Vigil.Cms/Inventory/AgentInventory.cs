using System.Text.Json;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>Copies what an agent reports into the CMS's record of it, and reads it back.</summary>
internal static class AgentInventory
{
    public const string RecordingRole = "recording";
    public const string StandbyRole = "standby";

    /// <summary>Copies the agent's report into its row; camera URLs are stored encrypted by <paramref name="cameraSecrets"/>.</summary>
    public static void Apply(ServerRow row, AgentInfo info, DateTimeOffset at, CameraSecrets cameraSecrets)
    {
        row.AgentName = info.Name;
        row.Model = info.Model;
        row.AgentVersion = info.Version;
        row.LicenseChannels = info.LicenseChannels;
        row.SegmentSeconds = info.SegmentSeconds;
        row.SpacesJson = JsonSerializer.Serialize(info.Spaces, ContractJson.Options);
        row.CamerasJson = cameraSecrets.Seal(info.Cameras, row.CamerasJson);
        row.LastSyncedAt = at;
    }

    /// <summary>
    /// The periodic copy: like <see cref="Apply"/>, but only when something changed that matters or the row was not
    /// confirmed for a while (<see cref="InventoryFreshness"/>). Answers whether the row changed (and must be saved).
    /// </summary>
    public static bool Refresh(ServerRow row, AgentInfo info, DateTimeOffset at, CameraSecrets cameraSecrets)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(cameraSecrets);
        var changed = Differs(row, info, at, cameraSecrets);
        if (changed)
        {
            Apply(row, info, at, cameraSecrets);
        }

        return changed;
    }

    /// <summary>Whether <see cref="Refresh"/> would write the row: its confirmation is due or the report differs.</summary>
    public static bool Differs(ServerRow row, AgentInfo info, DateTimeOffset at, CameraSecrets cameraSecrets)
    {
        ArgumentNullException.ThrowIfNull(row);
        return InventoryFreshness.IsStale(row.LastSyncedAt, at) || ReportDiffers(row, info, cameraSecrets);
    }

    /// <summary>
    /// Whether what the agent reports differs from the row in a way that matters, whenever the row was last confirmed.
    /// Reads the row only, so the monitor asks it of its shared copy of the servers before any database read; the cheap
    /// comparisons come first, the cameras' (which decrypts the stored URLs) last.
    /// </summary>
    public static bool ReportDiffers(ServerRow row, AgentInfo info, CameraSecrets cameraSecrets)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(cameraSecrets);
        return row.AgentName != info.Name || row.Model != info.Model || row.AgentVersion != info.Version
            || row.LicenseChannels != info.LicenseChannels || row.SegmentSeconds != info.SegmentSeconds
            || InventoryFreshness.SpacesDiffer(Spaces(row), info.Spaces)
            || row.CamerasJson != cameraSecrets.Seal(info.Cameras, row.CamerasJson);
    }

    public static IReadOnlyList<SpaceInfo> Spaces(ServerRow row) =>
        JsonSerializer.Deserialize<List<SpaceInfo>>(row.SpacesJson, ContractJson.Options) ?? [];

    /// <summary>The cameras as stored: their URLs encrypted, fit for counting and listing, not for recording.</summary>
    public static IReadOnlyList<CameraConfig> StoredCameras(ServerRow row) =>
        JsonSerializer.Deserialize<List<CameraConfig>>(row.CamerasJson, ContractJson.Options) ?? [];

    public static AgentReport Report(AgentInfo info) =>
        Report(info.Model, info.Serial, info.Version, info.LicenseChannels, info.Spaces, info.Cameras.Count);

    public static AgentReport Report(ServerRow row) =>
        Report(row.Model, row.Serial, row.AgentVersion, row.LicenseChannels, Spaces(row), StoredCameras(row).Count);

    public static ManagedServer ToDomain(ServerRow row) => new(
        new ServerId(row.Id), row.Name, RoleOf(row), row.Enabled, row.GroupId is { } group ? new GroupId(group) : null, row.Priority, Report(row),
        row is { ProtectionFailedFor: { } failedFor, ProtectionFailedAt: { } at }
            ? new ProtectionFailure(new ServerId(failedFor), row.ProtectionFailureReason ?? "unknown", at)
            : null);

    public static ServerRole RoleOf(ServerRow row) => row.Role == StandbyRole ? ServerRole.Standby : ServerRole.Recording;

    public static ServerRole RoleOf(ServerRoleName role) => role == ServerRoleName.Standby ? ServerRole.Standby : ServerRole.Recording;

    public static string RoleName(ServerRoleName role) => role == ServerRoleName.Standby ? StandbyRole : RecordingRole;

    public static ServerRoleName RoleNameOf(ServerRow row) => RoleOf(row) == ServerRole.Standby ? ServerRoleName.Standby : ServerRoleName.Recording;

    public static FailoverGroup ToDomain(GroupRow row) => new(new GroupId(row.Id), row.Name, row.ProtectionEnabled, row.IsDefault);

    private static AgentReport Report(string model, string serial, string version, int licenseChannels, IReadOnlyList<SpaceInfo> spaces, int cameraCount) => new(
        model, serial, ParseVersion(version), licenseChannels,
        spaces.Select(s => new RecordingSpace(s.Path, s.CapacityBytes, s.FreeBytes, s.IsEmpty)).ToList(), cameraCount);

    /// <summary>An unreadable version counts as 0.0, the oldest there is, so eligibility refuses it.</summary>
    private static Version ParseVersion(string text) => Version.TryParse(text, out var version) ? version : new Version(0, 0);
}

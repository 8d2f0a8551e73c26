namespace Vigil.Contracts.Agent;

/// <summary>A camera as configured on an agent (its own, or one it records for a protected server).</summary>
/// <param name="Id">Stable id, unique on the server: letters, digits, '.', '_' or '-', up to 64.</param>
/// <param name="StreamUrl">What ffmpeg reads: rtsp://, http:// or https://.</param>
/// <param name="RetentionHours">Own recordings older than this are deleted; 0 keeps them.</param>
public sealed record CameraConfig(string Id, string Name, string StreamUrl, bool Recording = true, int RetentionHours = 0);

/// <summary>A recording space as the agent sees it now.</summary>
public sealed record SpaceInfo(string Path, long CapacityBytes, long FreeBytes, bool IsEmpty);

/// <summary>What an agent says about itself.</summary>
public sealed record AgentInfo(
    string Name,
    string Model,
    string Serial,
    string Version,
    int LicenseChannels,
    int SegmentSeconds,
    string? CertificateFingerprint,
    IReadOnlyList<SpaceInfo> Spaces,
    IReadOnlyList<CameraConfig> Cameras);

/// <summary>The license channels this server holds from now on.</summary>
public sealed record LicenseRequest(int Channels);

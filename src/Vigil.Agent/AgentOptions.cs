namespace Vigil.Agent;

/// <summary>How <c>vigil agent</c> was started.</summary>
/// <param name="Spaces">Recording space folders; the data directory's <c>space1</c> if none is given.</param>
/// <param name="Cameras">Own cameras to add on start if missing, as (name, stream URL).</param>
/// <param name="Name">Server name to report; kept from earlier starts (or the host name) when null.</param>
public sealed record AgentOptions(
    string DataDirectory,
    IReadOnlyList<string> Urls,
    IReadOnlyList<string> Spaces,
    IReadOnlyList<(string Name, string Url)> Cameras,
    string? Name = null,
    string? Model = null,
    int? LicenseChannels = null,
    int SegmentSeconds = 2)
{
    public const int DefaultLicenseChannels = 16;
    public const string DefaultModel = "Vigil Agent";

    public IReadOnlyList<string> EffectiveSpaces =>
        Spaces.Count > 0 ? Spaces : [Path.Combine(DataDirectory, "space1")];

    public bool UsesHttps => Urls.Any(u => u.StartsWith("https://", StringComparison.OrdinalIgnoreCase));
}

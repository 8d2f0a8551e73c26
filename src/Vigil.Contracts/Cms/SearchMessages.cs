namespace Vigil.Contracts.Cms;

/// <summary>How long to listen for answers: 1 to 10 seconds, 2 when left out.</summary>
public sealed record ServerSearchRequest(double? Seconds = null);

/// <summary>
/// A server that answered the CMS's search on the LAN. <paramref name="Address"/> and <paramref name="Port"/> over
/// https or http (<paramref name="Https"/>) fill the Add server form; the fingerprint is shown to be confirmed, as for any server.
/// </summary>
/// <param name="Address">The address it answered from when it serves there, else the first it listed.</param>
/// <param name="Compatibility"><c>compatible</c>, <c>update_required</c> or <c>incompatible</c> against this CMS's version.</param>
/// <param name="State"><c>available</c>, <c>update_required</c>, <c>incompatible</c>, <c>added_to_another_cms</c> or <c>already_added</c>.</param>
/// <param name="StateLabel">The state in words: available, update required, incompatible, added to another CMS, already added.</param>
/// <param name="ManagedBy">The CMS that paired it (name and installation id), null when standalone.</param>
/// <param name="ServerId">This CMS's server with the same serial, when it has one.</param>
public sealed record FoundServerView(
    string Name,
    string Model,
    string Serial,
    string Version,
    string Address,
    IReadOnlyList<string> Addresses,
    int Port,
    bool Https,
    string? CertificateFingerprint,
    string Compatibility,
    string State,
    string StateLabel,
    bool CanEnable,
    FoundCms? ManagedBy,
    int? ServerId);

public sealed record FoundCms(string Name, string? Id, bool IsThisCms);

/// <param name="CmsVersion">The version the compatibility was judged against.</param>
public sealed record ServerSearchResponse(IReadOnlyList<FoundServerView> Servers, string CmsVersion, double Seconds);

namespace Vigil.Contracts.Cms;

/// <summary>A verified agent update package the CMS holds (uploaded, or fetched from the online feed).</summary>
/// <param name="Source"><c>upload</c> or <c>feed</c>.</param>
public sealed record UpdatePackageView(long Id, string Version, string OldestFrom, string Sha256, long Bytes, string Source, string AddedBy, DateTimeOffset AddedAt);

public sealed record UpdatePackageList(IReadOnlyList<UpdatePackageView> Packages);

/// <summary>Update <paramref name="Servers"/> with an uploaded package (<paramref name="PackageId"/>) or a version of the online feed (<paramref name="Version"/>).</summary>
public sealed record StartUpdateRequest(IReadOnlyList<int> Servers, long? PackageId = null, string? Version = null);

/// <summary>One server's update: its route, step and, when it ended badly, why.</summary>
/// <param name="Route"><c>rolling</c> (a standby records meanwhile: no gap) or <c>in_place</c>.</param>
/// <param name="Step"><c>queued</c>, <c>downloading</c>, <c>handing_over</c>, <c>updating</c>, <c>handing_back</c>, <c>done</c>, <c>rolled_back</c> or <c>failed</c>.</param>
/// <param name="Detail">What happens now, in words (e.g. "waits: another server of its group is updating", "agent: confirming").</param>
public sealed record ServerUpdateView(
    long Id,
    int ServerId,
    string ServerName,
    string FromVersion,
    string ToVersion,
    string? Route,
    string Step,
    string Detail,
    string? Reason,
    string Actor,
    DateTimeOffset QueuedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    long? FailoverId);

public sealed record ServerUpdateList(IReadOnlyList<ServerUpdateView> Updates);

/// <summary>A version the online feed offers.</summary>
public sealed record FeedVersionView(string Version, string OldestFrom, long Bytes);

/// <summary>What one server may be updated to: the feed's versions newer than its own that this CMS manages and that accept its version.</summary>
/// <param name="Compatibility"><c>compatible</c>, <c>update_required</c> or <c>incompatible</c>.</param>
public sealed record ServerUpdateOffer(int ServerId, string Name, string AgentVersion, string Compatibility, IReadOnlyList<string> Versions);

/// <summary>The online feed as the CMS read it now.</summary>
/// <param name="Feed">The feed's folder or URL; null when none is set.</param>
/// <param name="Error">Why the feed could not be read; null when it was.</param>
public sealed record AvailableUpdates(string? Feed, string? Error, string CmsVersion, IReadOnlyList<FeedVersionView> Versions, IReadOnlyList<ServerUpdateOffer> Servers);

/// <summary>Update settings: the online feed, a folder on the CMS machine or an https URL holding <c>catalog.json</c> and its packages; null or empty for none.</summary>
public sealed record UpdateSettingsView(string? Feed);

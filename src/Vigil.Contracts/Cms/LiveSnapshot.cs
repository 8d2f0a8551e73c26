namespace Vigil.Contracts.Cms;

/// <summary>
/// Everything the console's dashboard shows, as one document: sent on <see cref="CmsRoutes.Updates"/>
/// whenever any part of it changes, so every open console sees the same state within a second.
/// </summary>
/// <param name="Servers">As <see cref="CmsRoutes.Servers"/> lists them, less <see cref="HealthView.LastProbe"/>, which changes every second.</param>
/// <param name="LastEventId">The newest event's id (0 with none), so an event log view knows to refresh.</param>
public sealed record LiveSnapshot(
    IReadOnlyList<GroupView> Groups,
    IReadOnlyList<ServerView> Servers,
    StatusSummary Summary,
    IReadOnlyList<FailoverView> Failovers,
    long LastEventId);

using Vigil.Cms.Storage;
using Vigil.Domain.Updates;

namespace Vigil.Cms.Updates;

/// <summary>The event-log entries of agent updates: kind <c>update</c>, from one step to the next, with what happened in words.</summary>
internal static class UpdateEvents
{
    public const string Kind = "update";

    public static EventRow Queued(ServerUpdateRow update, DateTimeOffset at) =>
        Entry(update, string.Empty, UpdateStep.Queued, $"update {update.Id} to {update.ToVersion} queued (from {update.FromVersion})", update.Actor, at);

    public static EventRow Step(ServerUpdateRow update, string from, UpdateStep to, string detail, DateTimeOffset at) =>
        Entry(update, from, to, $"update {update.Id} to {update.ToVersion}: {detail}", UpdateRunner.Actor, at);

    private static EventRow Entry(ServerUpdateRow update, string from, UpdateStep to, string reason, string actor, DateTimeOffset at) => new()
    {
        At = at,
        ServerId = update.ServerId,
        ServerName = update.ServerName,
        EpisodeId = update.EpisodeId,
        Kind = Kind,
        From = from,
        To = to.Code(),
        Reason = reason,
        Actor = actor,
    };
}

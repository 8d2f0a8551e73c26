using Microsoft.Extensions.Logging;
using Vigil.Cms.Failover;

namespace Vigil.Cms.Monitoring;

/// <summary>
/// Logs one round's protection changes. A few are logged one line each; more than <see cref="MostOneByOne"/> (a mass
/// failure takes the protection of whole groups at once: one run logged 4 800 such lines in a second) are logged as one
/// line per direction with the count and the first server, because each server already has its own event in the event
/// log and a wall of warnings hides the rest of the log from the operator reading it.
/// </summary>
internal static partial class ProtectionLog
{
    public const int MostOneByOne = 8;

    public static void Write(ILogger logger, IReadOnlyList<ProtectionChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count <= MostOneByOne)
        {
            foreach (var change in changes)
            {
                LogProtectionChanged(logger, change.Server, State(change.IsProtected), change.Reason);
            }

            return;
        }

        foreach (var direction in changes.GroupBy(c => c.IsProtected))
        {
            var first = direction.First();
            LogManyChanged(logger, direction.Count(), State(direction.Key), first.Server, first.Reason);
        }
    }

    private static string State(bool isProtected) => isProtected ? EventLog.Protected : EventLog.Unprotected;

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "{Server} is {State}: {Reason}")]
    private static partial void LogProtectionChanged(ILogger logger, string server, string state, string reason);

    [LoggerMessage(EventId = 3113, Level = LogLevel.Warning,
        Message = "{Count} recording servers are {State}, each with its event in the event log; the first, {Server}: {Reason}")]
    private static partial void LogManyChanged(ILogger logger, int count, string state, string server, string reason);
}

/// <summary>One recording server's change of protection, as the protection watch reports it.</summary>
internal sealed record ProtectionChange(string Server, bool IsProtected, string Reason);

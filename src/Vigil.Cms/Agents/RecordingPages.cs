using System.Runtime.CompilerServices;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Agents;

/// <summary>An agent's catalog listing read a page at a time, following the cursor each page ends with.</summary>
internal static class RecordingPages
{
    public static async IAsyncEnumerable<RecordingList> PagesAsync(
        this IAgentApi agent, string owner, DateTimeOffset? from, DateTimeOffset? to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agent);
        long? after = null;
        do
        {
            var page = await agent.RecordingsAsync(owner, from, to, after, cancellationToken).ConfigureAwait(false);
            yield return page;
            after = page.Next;
        }
        while (after is not null);
    }

    /// <summary>Every page of a listing that is small by nature (a drill's few minutes), in one list.</summary>
    public static async Task<IReadOnlyList<Recording>> AllAsync(
        this IAgentApi agent, string owner, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var all = new List<Recording>();
        await foreach (var page in agent.PagesAsync(owner, from, to, cancellationToken).ConfigureAwait(false))
        {
            all.AddRange(page.Recordings);
        }

        return all;
    }
}

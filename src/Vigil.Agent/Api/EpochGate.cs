using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vigil.Agent.Security;
using Vigil.Agent.Storage;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>
/// Applies takeover commands one at a time, each only if its epoch is not older than the highest this
/// agent has obeyed (which it then becomes) and it comes from no older CMS leader term than the highest
/// seen (<see cref="LeaderTermFence"/>), so a check and the change it guards never interleave.
/// </summary>
public sealed class EpochGate(AgentSettings settings, LeaderTermFence leaders, IHttpContextAccessor requests) : IDisposable
{
    private readonly SemaphoreSlim _one = new(1, 1);

    public Task<IResult> RunAsync(long? epoch, Func<IResult> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return RunAsync(epoch, () => Task.FromResult(command()));
    }

    public async Task<IResult> RunAsync(long? epoch, Func<Task<IResult>> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (epoch is null)
        {
            return Problems.Refuse("takeover.epoch-required", "This command needs the epoch it was issued under (?epoch=N).");
        }

        await _one.WaitAsync().ConfigureAwait(false);
        try
        {
            if (requests.HttpContext is { } context && LeaderTermFence.Of(context.Request) is { } term && term < leaders.Highest)
            {
                return Problems.Conflict("takeover.stale-leader",
                    $"This command comes from CMS leader term {term}; a later leader (term {leaders.Highest}) has spoken to this server since.");
            }

            var highest = settings.GetLong(AgentSettings.HighestEpoch);
            if (epoch < highest)
            {
                return Problems.Conflict("takeover.stale-epoch", $"Epoch {epoch} is older than epoch {highest}, which this server has already obeyed.");
            }

            var result = await command().ConfigureAwait(false);
            if (epoch > highest && result is IStatusCodeHttpResult { StatusCode: < 300 })
            {
                settings.Set(AgentSettings.HighestEpoch, epoch.Value.ToString(CultureInfo.InvariantCulture));
            }

            return result;
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>Runs work that must not interleave with a takeover command but obeys no epoch of its own.</summary>
    public async Task RunExclusiveAsync(Func<Task> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        await _one.WaitAsync().ConfigureAwait(false);
        try
        {
            await work().ConfigureAwait(false);
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();
}

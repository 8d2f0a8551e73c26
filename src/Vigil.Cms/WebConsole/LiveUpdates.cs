using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.WebConsole;

/// <summary>
/// The dashboard's state as a stream: looks twice a second and sends a <see cref="LiveSnapshot"/> when
/// anything in it differs from the last one sent, so a status, a count or a restore's progress reaches
/// every open console within a second of the CMS knowing it. Every console takes the same copy
/// (<see cref="SharedSnapshot"/>). The stream ends with the session.
/// </summary>
internal sealed class LiveUpdates : IDisposable
{
    public const string EventName = "snapshot";

    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly SharedSnapshot _snapshot;

    public LiveUpdates(IServiceScopeFactory scopes, TimeProvider time)
    {
        _scopes = scopes;
        _time = time;
        _snapshot = new SharedSnapshot(BuildAsync, time);
    }

    public static TimeSpan Interval { get; } = TimeSpan.FromMilliseconds(500);

    public void Dispose() => _snapshot.Dispose();

    public async IAsyncEnumerable<string> StreamAsync(Caller caller, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? last = null;
        do
        {
            await using (var scope = _scopes.CreateAsyncScope())
            {
                if (!await scope.ServiceProvider.GetRequiredService<Sessions>().IsLiveAsync(caller.SessionId, cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }
            }

            var json = await _snapshot.CurrentAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(json, last, StringComparison.Ordinal))
            {
                last = json;
                yield return json;
            }
        }
        while (await NextRoundAsync(cancellationToken).ConfigureAwait(false));
    }

    private async Task<string> BuildAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        return JsonSerializer.Serialize(await SnapshotAsync(scope.ServiceProvider, cancellationToken).ConfigureAwait(false), ContractJson.Options);
    }

    private static async Task<LiveSnapshot> SnapshotAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var groups = await services.GetRequiredService<GroupService>().ListAsync(cancellationToken).ConfigureAwait(false);
        var (servers, summary) = await services.GetRequiredService<ServerViews>().EverythingAsync(cancellationToken).ConfigureAwait(false);
        var failovers = await services.GetRequiredService<FailoverViews>().OpenAsync(null, cancellationToken).ConfigureAwait(false);
        var lastEvent = await services.GetRequiredService<CmsDbContext>().Events.MaxAsync(e => (long?)e.Id, cancellationToken).ConfigureAwait(false);
        // The times of the last probe (every second), of the last inventory copy (every 10 s) and of each camera's last
        // segment (every segment) change for every server all the time; left in, every snapshot would differ from the one
        // before and every console would redraw for nothing, under the operator's clicks. The console shows none of them;
        // GET /servers still has them. A clock's offset moves by milliseconds at every probe: the console shows only a
        // drift, in whole seconds.
        var steady = servers.Select(s => s with
        {
            Health = s.Health with { LastProbe = null },
            Clock = s.Clock is { Drifting: true } clock ? clock with { OffsetSeconds = Math.Round(clock.OffsetSeconds), UncertaintySeconds = 0 } : null,
            LastSyncedAt = null,
            CameraStates = [.. s.CameraStates.Select(c => c with { LastSegmentEnd = null })],
        }).ToList();
        return new LiveSnapshot(groups.Groups, steady, summary, failovers.Failovers, lastEvent ?? 0);
    }

    /// <summary>Waits one interval; false once the client has gone.</summary>
    private async Task<bool> NextRoundAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Interval, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

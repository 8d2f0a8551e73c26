using System.Data.Common;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cms.Failover;
using Vigil.Cms.Storage;

namespace Vigil.Cms.Leadership;

/// <summary>
/// Keeps this host's place among the CMS hosts on one PostgreSQL database: a standby looks for a lapsed lease every
/// <see cref="LeaseTerms.LookEvery"/>, the leader renews it every <see cref="LeaseTerms.RenewEvery"/>. When the leader's
/// term ends (no renewal in time, the database unreachable, another host holding the lease) the host stops: it exits
/// with <see cref="LostLeadershipExitCode"/> and its service manager starts it again, as a standby.
/// </summary>
internal sealed partial class LeaseKeeper(
    HostLeadership leadership,
    ILeaseStore store,
    LeaseTerms terms,
    IServer server,
    IServiceScopeFactory scopes,
    IEnumerable<IReloadedOnLeading> memory,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<LeaseKeeper> logger) : BackgroundService
{
    /// <summary>EX_TEMPFAIL: under systemd's <c>Restart=on-failure</c> the host comes back, as a standby.</summary>
    public const int LostLeadershipExitCode = 75;

    // Whether the last try failed: an unreachable database is logged when it becomes so and when it comes back, not at every try.
    private bool _unreachable;

    // When the last try was sent (a timestamp of the time provider): renewals are timed from it.
    private long _lastTrySent;

    /// <summary>The first try at the lease is made before the host announces that it listens, so a lone host (or one restarted on the same data directory) serves the API from its first answer.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await TryAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (leadership.Term is { HasEnded: false } term)
        {
            // A graceful stop hands over at once instead of making the standby hosts wait for the lease to lapse.
            term.End();
            try
            {
                using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bounded.CancelAfter(terms.RenewEvery);
                await store.ReleaseAsync(leadership.Me, term.Grant.Generation, bounded.Token).ConfigureAwait(false);
                LogReleased(logger, term.Grant.Generation);
            }
            catch (Exception e) when (e is DbException or OperationCanceledException or TimeoutException)
            {
                LogNotReleased(logger, e.Message);
            }
        }
    }

    /// <summary>
    /// Keeps the lease on a thread of its own: a leader with thousands of servers to probe can fill the thread pool, and a
    /// renewal queued behind that work would come back too late and end the term of a leader that is merely busy.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var kept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                Keep(stoppingToken);
                kept.TrySetResult();
            }
            catch (Exception e)
            {
                kept.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "Vigil lease keeper",
        };
        thread.Start();
        return kept.Task;
    }

    private void Keep(CancellationToken stoppingToken)
    {
        while (Pause(stoppingToken))
        {
            // Renewing completes on this thread (the store's call is synchronous); only a change of leader awaits other work.
            TryAsync(stoppingToken).GetAwaiter().GetResult();
        }
    }

    /// <summary>Waits until the next try; false when the host stops or the term ended meanwhile.</summary>
    private bool Pause(CancellationToken stoppingToken)
    {
        if (stoppingToken.IsCancellationRequested || leadership.HasLost)
        {
            return false;
        }

        // An operating-system wait rather than a timer: a timer's callback is queued on the same thread pool as the probes.
        var pause = terms.WaitBeforeNextTry(leadership.IsActing, time.GetElapsedTime(_lastTrySent));
        WaitHandle[] wakes = leadership.Term is { } term ? [stoppingToken.WaitHandle, term.Token.WaitHandle] : [stoppingToken.WaitHandle];
        WaitHandle.WaitAny(wakes, pause);
        return !stoppingToken.IsCancellationRequested && !leadership.HasLost;
    }

    private async Task TryAsync(CancellationToken stoppingToken)
    {
        var sentAt = time.GetTimestamp();
        _lastTrySent = sentAt;
        LeaseGrant? grant;
        try
        {
            // Read each time: before the server starts, the addresses are as configured (a port 0 not yet chosen).
            grant = store.Hold(leadership.Me, HostAddress.Listening(server));
        }
        catch (Exception e) when (e is DbException or TimeoutException)
        {
            // The term's own timer ends it if this lasts; a standby simply tries again.
            if (!_unreachable)
            {
                LogUnreachable(logger, leadership.IsActing ? "renew" : "look for", e.Message);
            }

            _unreachable = true;
            return;
        }

        if (_unreachable)
        {
            LogReachable(logger);
            _unreachable = false;
        }

        if (leadership.Term is { } term)
        {
            if (grant is null || grant.Generation != term.Grant.Generation || !term.Extend(sentAt))
            {
                term.End();
            }

            return;
        }

        if (grant is null)
        {
            await NoteLeaderAsync(stoppingToken).ConfigureAwait(false);
            return;
        }

        try
        {
            foreach (var state in memory)
            {
                await state.LoadAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (DbException e)
        {
            // Not leading on stale settings: the lease, held but unused, is renewed or lapses at the next try.
            LogUnreachable(logger, "read the settings next to", e.Message);
            return;
        }

        var begun = new LeaderTerm(grant, sentAt, terms, time);
        if (begun.HasEnded)
        {
            begun.Dispose();
            return;
        }

        begun.Token.Register(OnTermEnded, begun);
        leadership.Begin(begun);
        LogLeads(logger, grant.Generation, grant.PreviousHolderName ?? "none");
        await RecordAsync(grant, stoppingToken).ConfigureAwait(false);
    }

    private void OnTermEnded(object? state)
    {
        var term = (LeaderTerm)state!;
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return;
        }

        LogLost(logger, term.Grant.Generation);
        leadership.Lost();
        lifetime.StopApplication();
    }

    private async Task NoteLeaderAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (leader, _) = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (leader?.HostId != leadership.LastSeenLeader?.HostId && leader is not null)
            {
                LogStandsBy(logger, leader.Name, leader.Address, leader.Generation);
            }

            leadership.LastSeenLeader = leader;
        }
        catch (DbException e)
        {
            LogUnreachable(logger, "read", e.Message);
        }
    }

    private async Task RecordAsync(LeaseGrant grant, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CmsDbContext>();
            db.Events.Add(EventLog.Leader(grant.PreviousHolderName, leadership.Me.Name, grant.Generation, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            // The log above already says it; the next renewal decides whether this host still leads.
            LogUnreachable(logger, "record the change of leader in", e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "This CMS host leads (lease generation {Generation}; before it: {Previous})")]
    private static partial void LogLeads(ILogger logger, long generation, string previous);

    [LoggerMessage(Level = LogLevel.Information, Message = "This CMS host stands by: {Leader} at {Address} leads (lease generation {Generation})")]
    private static partial void LogStandsBy(ILogger logger, string leader, string address, long generation);

    [LoggerMessage(Level = LogLevel.Error, Message = "This CMS host no longer leads (lease generation {Generation} not renewed in time): it stopped acting and restarts as a standby")]
    private static partial void LogLost(ILogger logger, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not {Action} the leader's lease in the database: {Reason}")]
    private static partial void LogUnreachable(ILogger logger, string action, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The database answers again about the leader's lease")]
    private static partial void LogReachable(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Gave up the leader's lease (generation {Generation}) on stopping: a standby host can lead at once")]
    private static partial void LogReleased(ILogger logger, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not give up the leader's lease on stopping ({Reason}): a standby host leads once it lapses")]
    private static partial void LogNotReleased(ILogger logger, string reason);
}

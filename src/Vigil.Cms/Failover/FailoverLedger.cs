using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Storage;
using Vigil.Domain;
using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Failover;

/// <summary>
/// The open failover episodes and the only way they change: every transition of the
/// <see cref="FailoverStateMachine"/> is written to the database, with its event, before the engine
/// acts on it. Callers hold the <see cref="Inventory.InventoryLock"/>, so the inventory rules and the
/// episodes never change under each other. A transition cancels the step still running for the
/// episode's previous state, whose result would no longer apply.
/// </summary>
public sealed class FailoverLedger(TimeProvider time)
{
    public const string EngineActor = "vigil";

    private readonly FailoverStateMachine _machine = new(time);
    private readonly Dictionary<EpisodeId, Entry> _open = [];
    private readonly Lock _sync = new();

    /// <summary>Raised after any transition, so the engine looks at the new state at once.</summary>
    public event Action? Changed;

    public IReadOnlyList<FailoverEpisode> Open
    {
        get
        {
            lock (_sync)
            {
                return _open.Values.Select(e => e.Episode).ToList();
            }
        }
    }

    internal async Task LoadAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Episodes.AsNoTracking().Where(e => e.IsOpen).ToListAsync(cancellationToken).ConfigureAwait(false);
        lock (_sync)
        {
            _open.Clear();
            foreach (var row in rows)
            {
                var episode = EpisodeRecords.ToDomain(row);
                _open[episode.Id] = new Entry(episode, new CancellationTokenSource());
            }
        }

        Publish();
    }

    /// <summary>The open episode and a token cancelled when it next changes; null if it is closed.</summary>
    public (FailoverEpisode Episode, CancellationToken Changed)? Find(EpisodeId id)
    {
        lock (_sync)
        {
            return _open.TryGetValue(id, out var entry) ? (entry.Episode, entry.Cancellation.Token) : null;
        }
    }

    public FailoverEpisode? OpenFor(ServerId recordingServer)
    {
        lock (_sync)
        {
            return _open.Values.Select(e => e.Episode).FirstOrDefault(e => e.RecordingServer == recordingServer);
        }
    }

    /// <summary>The epoch every command to an agent carries unless it starts a takeover: the newest one issued.</summary>
    internal static async Task<Epoch> CurrentEpochAsync(CmsDbContext db, CancellationToken cancellationToken) =>
        new(await db.Episodes.MaxAsync(e => (long?)e.Epoch, cancellationToken).ConfigureAwait(false) ?? 0);

    /// <summary>An epoch above every one issued; it is issued when the transition carrying it is written.</summary>
    internal static async Task<Epoch> NextEpochAsync(CmsDbContext db, CancellationToken cancellationToken) =>
        (await CurrentEpochAsync(db, cancellationToken).ConfigureAwait(false)).Next();

    internal async Task<Transition> BeginAsync(
        CmsDbContext db, ManagedServer server, FailoverGroup group, FailoverOrigin origin, bool automaticFailover, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var transition = _machine.Begin(default, server, group, origin, OpenFor(server.Id) is not null, automaticFailover);
        if (!transition.IsAccepted)
        {
            return transition;
        }

        var row = EpisodeRecords.NewRow(transition.Episode, server.Name);
        db.Episodes.Add(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        var episode = transition.Episode with { Id = new EpisodeId(row.Id) };
        db.Events.Add(EventLog.Failover(episode, server.Name, "normal", episode.Phase, actor, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        Remember(episode);
        return transition with { Episode = episode };
    }

    /// <summary>Offers <paramref name="input"/> to an open episode and persists the result; a refusal changes nothing.</summary>
    /// <param name="keepStep">The running step caused this input and goes on (restore progress): its token is not cancelled.</param>
    internal async Task<Transition> ApplyAsync(
        CmsDbContext db, FailoverEpisode current, FailoverInput input, string actor, CancellationToken cancellationToken, bool keepStep = false)
    {
        ArgumentNullException.ThrowIfNull(current);
        var transition = _machine.Apply(current, input);
        if (!transition.IsAccepted)
        {
            return transition;
        }

        var next = transition.Episode;
        var row = await db.Episodes.FirstAsync(e => e.Id == current.Id.Value, cancellationToken).ConfigureAwait(false);
        EpisodeRecords.Apply(row, next);
        if (next.Phase == FailoverPhase.Restoring && row.RestoreStartedAt is null)
        {
            row.RestoreStartedAt = time.GetUtcNow();
        }

        if (!next.IsOpen)
        {
            row.EndedAt = time.GetUtcNow();
        }

        if (next.Phase != current.Phase || next.Note != current.Note)
        {
            var names = await db.Servers.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken).ConfigureAwait(false);
            var named = next with { Note = EpisodeNotes.Humanize(next.Note, names) };
            db.Events.Add(EventLog.Failover(named, names.GetValueOrDefault(row.RecordingServerId) ?? row.RecordingServerName, PhaseName(current.Phase),
                next.Phase, actor, time.GetUtcNow()));
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        if (next.IsOpen)
        {
            Remember(next, keepStep);
        }
        else
        {
            Forget(next.Id);
        }

        return transition;
    }

    /// <summary>
    /// Stops every open episode <paramref name="server"/> takes part in (as the protected server or a
    /// standby holding its footage), after the operator confirmed: the footage on the standbys is removed.
    /// </summary>
    internal async Task<IReadOnlyList<FailoverEpisode>> StopInvolvingAsync(CmsDbContext db, ServerId server, string actor, CancellationToken cancellationToken)
    {
        var stopped = new List<FailoverEpisode>();
        foreach (var episode in Open.Where(e => e.RecordingServer == server || e.Standby == server || e.FootageOn.Contains(server)))
        {
            var transition = await ApplyAsync(db, episode, new StopFailover(Confirmed: true), actor, cancellationToken).ConfigureAwait(false);
            if (transition.IsAccepted)
            {
                stopped.Add(transition.Episode);
            }
        }

        return stopped;
    }

    /// <summary>Interrupts every open episode of a group being deleted.</summary>
    internal async Task InterruptGroupAsync(CmsDbContext db, GroupId group, string actor, CancellationToken cancellationToken)
    {
        foreach (var episode in Open.Where(e => e.Group == group))
        {
            await ApplyAsync(db, episode, new GroupDeleted(), actor, cancellationToken).ConfigureAwait(false);
        }
    }

    public static string PhaseName(FailoverPhase phase) => phase.ToString().ToLowerInvariant();

    private void Remember(FailoverEpisode episode, bool keepStep = false)
    {
        lock (_sync)
        {
            if (_open.TryGetValue(episode.Id, out var old) && keepStep)
            {
                _open[episode.Id] = new Entry(episode, old.Cancellation);
            }
            else
            {
                if (old is not null)
                {
                    old.Cancellation.Cancel();
                    old.Cancellation.Dispose();
                }

                _open[episode.Id] = new Entry(episode, new CancellationTokenSource());
            }
        }

        Publish();
    }

    private void Forget(EpisodeId id)
    {
        lock (_sync)
        {
            if (_open.Remove(id, out var old))
            {
                old.Cancellation.Cancel();
                old.Cancellation.Dispose();
            }
        }

        Publish();
    }

    private void Publish() => Changed?.Invoke();

    private sealed class Entry(FailoverEpisode episode, CancellationTokenSource cancellation)
    {
        public FailoverEpisode Episode { get; } = episode;

        public CancellationTokenSource Cancellation { get; } = cancellation;
    }
}

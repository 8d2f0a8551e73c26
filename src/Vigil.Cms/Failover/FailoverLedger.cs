using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Metrics;
using Vigil.Cms.Storage;
using Vigil.Domain;
using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Failover;

/// <summary>
/// The open failover episodes and the only way they change. A change is one database transaction
/// (<see cref="CommitAsync{T}"/>): every transition of the <see cref="FailoverStateMachine"/> in it is
/// written with its event and a new row version, together with whatever else the operator command
/// changes, and only once that transaction has committed does the ledger's view of the open episodes
/// change. A step started for one version of an episode applies its outcome only to that version
/// (optimistic concurrency), and a new version cancels the step still running for the old one.
/// </summary>
internal sealed class FailoverLedger(TimeProvider time, CmsMetrics metrics, LeaderEpochs epochs)
{
    public const string EngineActor = "vigil";

    public static class Rules
    {
        public const string Stale = "failover.stale-step";
    }

    private readonly FailoverStateMachine _machine = new(time);
    private readonly Dictionary<EpisodeId, Entry> _open = [];
    private readonly Lock _sync = new();

    /// <summary>The episodes written by the commit this flow is in (<see cref="CommitAsync{T}"/>), to read back once it committed.</summary>
    private readonly AsyncLocal<HashSet<long>?> _written = new();

    /// <summary>Raised after a commit that changed an episode, so the engine looks at the new state at once.</summary>
    public event Action? Changed;

    public IReadOnlyList<FailoverEpisode> Open
    {
        get
        {
            lock (_sync)
            {
                return _open.Values.Select(e => e.Episode).OrderBy(e => e.Id.Value).ToList();
            }
        }
    }

    /// <summary>The open episode, the row version it was read at and a token cancelled when it next changes; null if closed.</summary>
    public OpenEpisode? Find(EpisodeId id)
    {
        lock (_sync)
        {
            return _open.TryGetValue(id, out var entry) ? new OpenEpisode(entry.Episode, entry.Version, entry.Cancellation.Token) : null;
        }
    }

    public FailoverEpisode? OpenFor(ServerId recordingServer)
    {
        lock (_sync)
        {
            return _open.Values.Select(e => e.Episode).FirstOrDefault(e => e.RecordingServer == recordingServer);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one database transaction and commits it; then the episodes it wrote are read
    /// back. If anything throws, nothing is written and the ledger is unchanged.
    /// </summary>
    public async Task<T> CommitAsync<T>(CmsDbContext db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(work);
        T result;
        var began = time.GetTimestamp();
        var written = new HashSet<long>();
        _written.Value = written;
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            result = await work().ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        metrics.DatabaseWork("commit_transition", time.GetElapsedTime(began));
        await ReadBackAsync(db, written, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public Task CommitAsync(CmsDbContext db, Func<Task> work, CancellationToken cancellationToken) =>
        CommitAsync(db, async () =>
        {
            await work().ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Reads the open episodes back; the step of every episode whose version changed (or that closed) is cancelled.</summary>
    public async Task LoadAsync(CmsDbContext db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Episodes.AsNoTracking().Where(e => e.IsOpen).ToListAsync(cancellationToken).ConfigureAwait(false);
        Refresh(rows, among: null);
    }

    /// <summary>
    /// Reads back the episodes a commit wrote. No other episode can have changed: every change is a commit of this
    /// ledger, and a host that becomes leader reads them all (<see cref="LoadAsync"/>). Reading every open episode
    /// after each commit made a mass failure quadratic: a thousand episodes, each read back after each of the
    /// thousands of transitions.
    /// </summary>
    private async Task ReadBackAsync(CmsDbContext db, HashSet<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var rows = await db.Episodes.AsNoTracking().Where(e => ids.Contains(e.Id) && e.IsOpen).ToListAsync(cancellationToken).ConfigureAwait(false);
        Refresh(rows, among: ids);
    }

    /// <summary>
    /// Takes <paramref name="openRows"/> as the open episodes among <paramref name="among"/> (every episode when null):
    /// the others there have closed. The step of every episode whose version changed, or that closed, is cancelled.
    /// </summary>
    private void Refresh(List<EpisodeRow> openRows, HashSet<long>? among)
    {
        var stillOpen = openRows.Select(r => r.Id).ToHashSet();
        var changed = false;
        lock (_sync)
        {
            foreach (var gone in _open.Keys.Where(id => (among is null || among.Contains(id.Value)) && !stillOpen.Contains(id.Value)).ToList())
            {
                _open.Remove(gone, out var old);
                old!.Cancel();
                changed = true;
            }

            foreach (var row in openRows)
            {
                var id = new EpisodeId(row.Id);
                var episode = EpisodeRecords.ToDomain(row);
                if (_open.TryGetValue(id, out var old) && old.Version == row.Version)
                {
                    // Progress of a running restore is written without a new version: its step goes on.
                    _open[id] = new Entry(episode, row.Version, old.Cancellation);
                    continue;
                }

                metrics.EpisodeChanged(old?.Episode, episode);
                old?.Cancel();
                _open[id] = new Entry(episode, row.Version, new CancellationTokenSource());
                changed = true;
            }
        }

        if (changed)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>Opens an episode for <paramref name="server"/> (inside <see cref="CommitAsync{T}"/>), or says why it cannot be failed over.</summary>
    public async Task<Transition> BeginAsync(
        CmsDbContext db, ManagedServer server, FailoverGroup group, FailoverOrigin origin, bool automaticFailover, string actor,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(server);
        var hasOpen = await db.Episodes.AnyAsync(e => e.IsOpen && e.RecordingServerId == server.Id.Value, cancellationToken).ConfigureAwait(false);
        var transition = _machine.Begin(default, server, group, origin, hasOpen, automaticFailover);
        if (!transition.IsAccepted)
        {
            return transition;
        }

        var row = EpisodeRecords.NewRow(transition.Episode, server.Name, epochs.Term);
        db.Episodes.Add(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        _written.Value?.Add(row.Id);
        var episode = transition.Episode with { Id = new EpisodeId(row.Id), FootageKey = EpisodeRecords.FootageKey(row) };
        var names = await NamesAsync(db, episode, cancellationToken).ConfigureAwait(false);
        db.Events.Add(EventLog.Failover(episode, server.Name, EventLog.NotInFailover, episode.Phase, Render(episode, names), actor, time.GetUtcNow()));
        return transition with { Episode = episode };
    }

    /// <summary>
    /// Offers <paramref name="input"/> to an open episode (inside <see cref="CommitAsync{T}"/>) and stages the
    /// result with its event; a refusal changes nothing. With <paramref name="expectedVersion"/> the input
    /// applies only if the episode is still at that version (a step's outcome), else it is refused as stale.
    /// </summary>
    public async Task<Transition> ApplyAsync(
        CmsDbContext db, EpisodeId id, FailoverInput input, string actor, CancellationToken cancellationToken, long? expectedVersion = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(input);
        var row = await db.Episodes.FirstOrDefaultAsync(e => e.Id == id.Value, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Episode {id.Value} does not exist.");
        _written.Value?.Add(row.Id);
        var current = EpisodeRecords.ToDomain(row);
        if (expectedVersion is { } expected && expected != row.Version)
        {
            return new Transition(current, new Refusal(Rules.Stale, $"The episode moved on (version {row.Version}, the step began at {expected})."));
        }

        var transition = _machine.Apply(current, input);
        if (!transition.IsAccepted || transition.Episode == current)
        {
            return transition;
        }

        var next = transition.Episode;
        EpisodeRecords.Apply(row, next);
        var progressOnly = input is RestoreProgressed;
        if (!progressOnly)
        {
            row.Version++;
        }

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
            var names = await NamesAsync(db, next, cancellationToken).ConfigureAwait(false);
            db.Events.Add(EventLog.Failover(next, names.GetValueOrDefault(row.RecordingServerId) ?? row.RecordingServerName, PhaseName(current.Phase),
                next.Phase, Render(next, names), actor, time.GetUtcNow()));
        }

        return transition;
    }

    /// <summary>Stops (operator-confirmed) each of <paramref name="episodes"/>; their footage is then discarded by the cleanup step.</summary>
    public async Task<IReadOnlyList<FailoverEpisode>> StopAsync(
        CmsDbContext db, IEnumerable<FailoverEpisode> episodes, string actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var stopped = new List<FailoverEpisode>();
        foreach (var episode in episodes)
        {
            var transition = await ApplyAsync(db, episode.Id, new StopFailover(Confirmed: true), actor, cancellationToken).ConfigureAwait(false);
            if (transition.IsAccepted)
            {
                stopped.Add(transition.Episode);
            }
        }

        return stopped;
    }

    public static string PhaseName(FailoverPhase phase) => phase.ToString().ToLowerInvariant();

    /// <summary>The names an episode's event shows: its recording server's and the server its note names, if any.</summary>
    private static Task<Dictionary<int, string>> NamesAsync(CmsDbContext db, FailoverEpisode episode, CancellationToken cancellationToken) =>
        StoredServerNames.OfAsync(db, episode.Note.Server is { } named ? [episode.RecordingServer.Value, named.Value] : [episode.RecordingServer.Value], cancellationToken);

    private static string Render(FailoverEpisode episode, IReadOnlyDictionary<int, string> names) => EpisodeRecords.Render(episode.Note, names);

    /// <summary>An open episode as the ledger last read it.</summary>
    public sealed record OpenEpisode(FailoverEpisode Episode, long Version, CancellationToken Changed);

    private sealed class Entry(FailoverEpisode episode, long version, CancellationTokenSource cancellation)
    {
        public FailoverEpisode Episode { get; } = episode;

        public long Version { get; } = version;

        public CancellationTokenSource Cancellation { get; } = cancellation;

        public void Cancel()
        {
            Cancellation.Cancel();
            Cancellation.Dispose();
        }
    }
}

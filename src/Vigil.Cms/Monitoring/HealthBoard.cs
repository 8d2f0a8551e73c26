using System.Collections.Concurrent;
using Vigil.Contracts.Agent;
using Vigil.Domain;
using Vigil.Domain.Health;
using Vigil.Domain.Status;

namespace Vigil.Cms.Monitoring;

/// <summary>The CMS's current belief about each server's health, fed by the probe loop.</summary>
public sealed class HealthBoard(TimeProvider time)
{
    private readonly ConcurrentDictionary<int, Entry> _entries = new();
    private readonly ConcurrentDictionary<int, string> _access = new();
    private readonly ConcurrentDictionary<int, IReadOnlyList<CameraHealth>> _cameras = new();
    private HealthPolicy _policy = HealthPolicy.Default;

    /// <summary>
    /// Raised after a probe round that changed some server's health, so the failover engine acts on it at once rather
    /// than at its next tick; once per round, so servers that fail together are planned together (in priority order).
    /// </summary>
    public event Action? RoundChanged;

    /// <summary>Takes one probe of <paramref name="serverId"/>; returns the change of health it caused, if any.</summary>
    public HealthChange? Observe(int serverId, ProbeResult probe)
    {
        var entry = _entries.GetOrAdd(serverId, _ => new Entry(new HealthTracker(_policy, time)));
        lock (entry)
        {
            entry.LastProbe = time.GetUtcNow();
            return entry.Tracker.Observe(probe);
        }
    }

    /// <summary>The probe round is over; <paramref name="changed"/> when any of its probes changed a server's health.</summary>
    public void EndRound(bool changed)
    {
        if (changed)
        {
            RoundChanged?.Invoke();
        }
    }

    /// <summary>Applies new thresholds; a failed server stays failed and must recover under the new policy.</summary>
    public void Apply(FailoverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _policy = settings.Health;
        foreach (var (id, entry) in _entries)
        {
            lock (entry)
            {
                var initial = entry.Tracker.IsFunctional ? HealthState.Healthy : HealthState.Failed;
                _entries[id] = new Entry(new HealthTracker(_policy, time, initial)) { LastProbe = entry.LastProbe };
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="serverId"/> as failed: a server a standby records for when the CMS starts
    /// must be healthy for a whole stabilisation period again before it takes its cameras back.
    /// </summary>
    public void AssumeFailed(int serverId) =>
        _entries[serverId] = new Entry(new HealthTracker(_policy, time, HealthState.Failed));

    public void Forget(int serverId)
    {
        _entries.TryRemove(serverId, out _);
        _access.TryRemove(serverId, out _);
        _cameras.TryRemove(serverId, out _);
    }

    /// <summary>
    /// Keeps the cameras' states the server reported in its last answered probe (each camera's own state, problem and
    /// note: a dead camera is not the server's failure, but the operator must see it). True when a state, problem or
    /// note changed; the last segment's time moves every segment and is not a change worth telling the consoles.
    /// </summary>
    public bool SetCameras(int serverId, IReadOnlyList<CameraHealth> cameras)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        var before = _cameras.TryGetValue(serverId, out var old) ? old : [];
        _cameras[serverId] = cameras;
        return !before.Select(Visible).SequenceEqual(cameras.Select(Visible));

        static (string, string, CameraState, string?, string?) Visible(CameraHealth c) => (c.Owner, c.CameraId, c.State, c.Problem, c.Note);
    }

    /// <summary>The cameras' states in the server's last answered probe; empty before the first.</summary>
    public IReadOnlyList<CameraHealth> CamerasOf(int serverId) => _cameras.TryGetValue(serverId, out var cameras) ? cameras : [];

    /// <summary>
    /// Records that the CMS cannot speak to a server although it may be up (its credential is rejected or
    /// unreadable), or that it can again (null). Such a probe says nothing about the server's health, so it
    /// is not a miss: a server is never failed over because of the CMS's own credentials. True when it changed.
    /// </summary>
    public bool SetAccessProblem(int serverId, string? problem)
    {
        var entry = _entries.GetOrAdd(serverId, _ => new Entry(new HealthTracker(_policy, time)));
        lock (entry)
        {
            entry.LastProbe = time.GetUtcNow();
        }

        if (problem is null)
        {
            return _access.TryRemove(serverId, out _);
        }

        var before = _access.TryGetValue(serverId, out var old) ? old : null;
        _access[serverId] = problem;
        return before != problem;
    }

    /// <summary>Why the CMS cannot speak to the server, if it cannot.</summary>
    public string? AccessProblemOf(int serverId) => _access.TryGetValue(serverId, out var problem) ? problem : null;

    /// <summary>A server not yet probed counts as healthy: it answered when it was added.</summary>
    public ServerHealth HealthOf(int serverId) =>
        _entries.TryGetValue(serverId, out var entry) ? new ServerHealth(entry.Tracker.State, entry.Tracker.LastProblem) : ServerHealth.Healthy;

    public (HealthState State, string? Problem, DateTimeOffset? Since, DateTimeOffset? LastProbe) Describe(int serverId)
    {
        if (!_entries.TryGetValue(serverId, out var entry))
        {
            return (HealthState.Healthy, null, null, null);
        }

        lock (entry)
        {
            return (entry.Tracker.State, entry.Tracker.LastProblem, entry.Tracker.Since, entry.LastProbe);
        }
    }

    private sealed class Entry(HealthTracker tracker)
    {
        public HealthTracker Tracker { get; } = tracker;

        public DateTimeOffset? LastProbe { get; set; }
    }
}

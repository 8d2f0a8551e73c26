using System.Diagnostics;
using System.Security.Cryptography;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Bench.Fleet;

public enum VirtualRole
{
    Recording,
    Standby,
}

/// <summary>What a takeover command did to a virtual server, as the real agent would answer it.</summary>
public enum CommandOutcome
{
    Done,

    /// <summary>An epoch older than the highest obeyed (409, <c>takeover.stale-epoch</c>).</summary>
    StaleEpoch,

    /// <summary>The one space already holds another server's footage (507, <c>takeover.no-empty-space</c>).</summary>
    NoEmptySpace,

    /// <summary>Footage cannot be deleted while the takeover runs (409, <c>takeover.still-recording</c>).</summary>
    StillRecording,
}

/// <summary>
/// A takeover PUT the virtual server accepted, with the <see cref="Stopwatch"/> timestamp it was accepted at: on Linux the
/// monotonic clock of the whole machine, so a shard's timestamps compare with the bench's.
/// </summary>
public sealed record TakeoverAccepted(string Standby, string Key, string ProtectedServerName, long Epoch, long Timestamp);

/// <summary>
/// One recording or standby server of the fleet: the state a real agent keeps (credentials, cameras,
/// licenses, takeovers fenced by epochs, footage per protected server) without recording anything.
/// Every member is thread-safe: Kestrel serves many requests for one server at once.
/// </summary>
public sealed class VirtualServer
{
    public const string Model = "VF-1000";
    private const long CapacityBytes = 4L << 40;
    private const long FreeBytes = 3L << 40;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _credentials = new(StringComparer.Ordinal);
    private readonly List<CameraConfig> _cameras;
    private readonly Dictionary<string, TakeoverStatus> _takeovers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _footage = new(StringComparer.Ordinal);
    private readonly List<TakeoverAccepted> _accepted = [];
    private long _highestEpoch;
    private long _probes;
    private int _licenseChannels;
    private volatile bool _alive = true;

    public VirtualServer(string name, string serial, VirtualRole role, int port, IReadOnlyList<CameraConfig> cameras, int licenseChannels, string fingerprint)
    {
        Fingerprint = fingerprint;
        Name = name;
        Serial = serial;
        Role = role;
        Port = port;
        _cameras = [.. cameras];
        _licenseChannels = licenseChannels;
    }

    public string Name { get; }

    public string Serial { get; }

    public VirtualRole Role { get; }

    public int Port { get; }

    /// <summary>The fleet's certificate, which every virtual server presents.</summary>
    public string Fingerprint { get; }

    /// <summary>
    /// False once killed: as an agent whose process is gone, it takes no new connection through to TLS, and a request
    /// on a connection opened before is aborted.
    /// </summary>
    public bool IsAlive => _alive;

    /// <summary>How many health probes it has answered.</summary>
    public long Probes => Interlocked.Read(ref _probes);

    private string SpacePath => $"/fleet/{Name}/space1";

    public void Kill() => _alive = false;

    public void Start() => _alive = true;

    /// <summary>Every takeover PUT it accepted, oldest first.</summary>
    public IReadOnlyList<TakeoverAccepted> AcceptedTakeovers()
    {
        lock (_lock)
        {
            return [.. _accepted];
        }
    }

    internal string IssueCredential()
    {
        var credential = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
        lock (_lock)
        {
            _credentials.Add(credential);
        }

        return credential;
    }

    internal bool Accepts(string credential)
    {
        lock (_lock)
        {
            return _credentials.Contains(credential);
        }
    }

    /// <summary>What anyone may read before pairing, with the certificate the operator is asked to trust.</summary>
    internal AgentIdentityView Identity() => new(Name, Model, Serial, VigilVersion.Current.ToString(), Fingerprint);

    internal AgentInfo Info()
    {
        lock (_lock)
        {
            // A standby's space is empty until it records for somebody; a recording server's holds its own footage.
            var empty = Role == VirtualRole.Standby && _takeovers.Count == 0 && _footage.Count == 0;
            return new AgentInfo(Name, Model, Serial, VigilVersion.Current.ToString(), _licenseChannels, 2, null,
                [new SpaceInfo(SpacePath, CapacityBytes, FreeBytes, empty)], [.. _cameras]);
        }
    }

    internal AgentHealth Health(DateTimeOffset now)
    {
        Interlocked.Increment(ref _probes);
        lock (_lock)
        {
            var cameras = _cameras.Select(c => Recording(AgentRoutes.OwnRecordings, c, now))
                .Concat(_takeovers.Values.SelectMany(t => t.Cameras))
                .ToList();
            return new AgentHealth(HealthOutcome.Ok, null, now, [new SpaceHealth(SpacePath, true, true, CapacityBytes, FreeBytes, null)], cameras);
        }
    }

    internal IReadOnlyList<CameraConfig> Cameras()
    {
        lock (_lock)
        {
            return [.. _cameras];
        }
    }

    internal bool AddCamera(CameraConfig camera)
    {
        lock (_lock)
        {
            if (_cameras.Any(c => c.Id == camera.Id))
            {
                return false;
            }

            _cameras.Add(camera);
            return true;
        }
    }

    internal bool RemoveCamera(string id)
    {
        lock (_lock)
        {
            return _cameras.RemoveAll(c => c.Id == id) > 0;
        }
    }

    internal void MoveLicenses(int channels)
    {
        lock (_lock)
        {
            _licenseChannels = channels;
        }
    }

    internal IReadOnlyList<TakeoverStatus> Takeovers()
    {
        lock (_lock)
        {
            return [.. _takeovers.Values];
        }
    }

    /// <summary>Records <paramref name="request"/>'s cameras for <paramref name="key"/>, like the real agent's takeover.</summary>
    internal (CommandOutcome Outcome, TakeoverStatus? Status, long Highest) TakeOver(string key, TakeoverRequest request, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (request.Epoch < _highestEpoch)
            {
                return (CommandOutcome.StaleEpoch, null, _highestEpoch);
            }

            // One space: it may go on holding this key's footage, or start empty, but never mixes two servers.
            var existing = _takeovers.GetValueOrDefault(key);
            if (existing is null && !_footage.Contains(key) && (_takeovers.Count > 0 || _footage.Count > 0))
            {
                return (CommandOutcome.NoEmptySpace, null, _highestEpoch);
            }

            var status = new TakeoverStatus(key, request.ProtectedServerName, request.Epoch, SpacePath, existing?.Since ?? now,
                request.Cameras.Select(c => Recording(key, c, now)).ToList());
            _takeovers[key] = status;
            _footage.Add(key);
            _highestEpoch = Math.Max(_highestEpoch, request.Epoch);
            _accepted.Add(new TakeoverAccepted(Name, key, request.ProtectedServerName, request.Epoch, Stopwatch.GetTimestamp()));
            return (CommandOutcome.Done, status, _highestEpoch);
        }
    }

    internal (CommandOutcome Outcome, long Highest) Release(string key, long epoch) => Fenced(epoch, () =>
    {
        _takeovers.Remove(key);
        return CommandOutcome.Done;
    });

    internal (CommandOutcome Outcome, long Highest) DeleteFootage(string key, long epoch) => Fenced(epoch, () =>
    {
        if (_takeovers.ContainsKey(key))
        {
            return CommandOutcome.StillRecording;
        }

        _footage.Remove(key);
        return CommandOutcome.Done;
    });

    /// <summary>The real agent's epoch gate: older epochs are refused, a successful command raises the highest.</summary>
    private (CommandOutcome Outcome, long Highest) Fenced(long epoch, Func<CommandOutcome> command)
    {
        lock (_lock)
        {
            if (epoch < _highestEpoch)
            {
                return (CommandOutcome.StaleEpoch, _highestEpoch);
            }

            var outcome = command();
            if (outcome == CommandOutcome.Done)
            {
                _highestEpoch = Math.Max(_highestEpoch, epoch);
            }

            return (outcome, _highestEpoch);
        }
    }

    private static CameraHealth Recording(string owner, CameraConfig camera, DateTimeOffset now) =>
        new(owner, camera.Id, camera.Recording ? CameraState.Recording : CameraState.Off, now, 0, null);
}

using System.Security.Cryptography;
using System.Text;
using Vigil.Cms.Agents;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Tests.Simulation;

/// <summary>
/// A simulated agent: what the real agent promises the CMS (a catalog with checksums, takeovers fenced by
/// epochs, recorders that write a segment per camera per second, release, restored recordings checked by
/// SHA-256, removal of confirmed or discarded footage) and the faults the simulation injects: crash and
/// restart, a hang (commands carried out but answers lost), 401 for the CMS's credential, a full disk,
/// a camera the agent cannot reach. Every deletion of failover footage is logged for the invariants.
/// </summary>
internal sealed class SimAgent(
    string name, string serial, bool standby, int licenseChannels, IReadOnlyList<CameraConfig> cameras, TimeProvider clock) : IAgentApi
{
    private const int StandbySpaces = 2;

    /// <summary>Far smaller than an agent's page, so every schedule's restore and cleanup read many pages.</summary>
    private const int PageSize = 7;

    private readonly Dictionary<string, SimTakeover> _takeovers = [];
    private readonly List<SimFile> _files = [];

    /// <summary>The footage grants the CMS gave: token SHA-256 → takeover key.</summary>
    private readonly Dictionary<string, string> _grants = [];
    private long _nextId = 1;
    private long _highestEpoch;

    public string Name { get; } = name;

    public string Serial { get; } = serial;

    public bool IsStandby { get; } = standby;

    public List<CameraConfig> OwnCameras { get; } = [.. cameras];

    public int LicenseChannels { get; private set; } = licenseChannels;

    public bool Down { get; set; }

    public bool Hung { get; set; }

    /// <summary>Its health probes time out, as the CMS's probe timeout ends them (whether the agent or the CMS is the slow one).</summary>
    public bool ProbesTimeOut { get; set; }

    public bool RejectsCredential { get; set; }

    public bool DiskFull { get; set; }

    /// <summary>A bug in the agent or in reading its answer: takeover calls throw something that is not an agent error.</summary>
    public bool Broken { get; set; }

    /// <summary>Its cameras show an unchanging picture: every segment it records of a camera holds the same bytes.</summary>
    public bool RepeatsContent { get; set; }

    /// <summary>Answers a restore check as an agent older than spans does: by camera, kind and checksum, with no span.</summary>
    public bool ChecksBytesAlone { get; set; }

    /// <summary>Takeover calls end as the CMS closing its client of this agent ends them (the server being edited meanwhile).</summary>
    public bool TakeoverCutShort { get; set; }

    /// <summary>A rule it refuses every removal or discard of footage with (a standby that will not let go of a failover's footage); null obeys.</summary>
    public string? RefusesRemoval { get; set; }

    /// <summary>How far the agent's clock is off: every time it writes or reports is on its own clock.</summary>
    public TimeSpan Skew { get; set; }

    public HashSet<string> Blocked { get; } = [];

    /// <summary>It cannot reach the other servers (another network that only the CMS bridges): the CMS must carry its footage home.</summary>
    public bool PeersUnreachable { get; set; }

    /// <summary>The simulated agent at a server address, as a pull reaches it.</summary>
    public Func<string, SimAgent?> Peers { get; set; } = _ => null;

    /// <summary>False once the server was removed from the CMS: its footage is no longer the site's.</summary>
    public bool Managed { get; set; } = true;

    public IReadOnlyDictionary<string, SimTakeover> Takeovers => _takeovers;

    public IReadOnlyList<SimFile> Files => _files;

    public List<SimDeletion> Deletions { get; } = [];

    /// <summary>Answers the CMS (not down, hung or refusing its credential).</summary>
    public bool Answers => !Down && !Hung && !RejectsCredential;

    /// <summary>One second of recording: a segment per recorded camera, the same bytes for the same camera and second anywhere.</summary>
    public void Tick()
    {
        if (Down || DiskFull)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var camera in OwnCameras.Where(c => c.Recording && !Blocked.Contains(c.Id)))
        {
            Add(AgentRoutes.OwnRecordings, camera.Id, now);
        }

        foreach (var (key, takeover) in _takeovers)
        {
            foreach (var camera in takeover.Cameras.Where(c => !Blocked.Contains(c.Id)))
            {
                Add(key, camera.Id, now);
            }
        }
    }

    /// <summary>How many times the CMS asked for this agent's info (its inventory copy, or a contact).</summary>
    public int InfoCalls => Volatile.Read(ref _infoCalls);

    private int _infoCalls;

    public Task<AgentInfo> InfoAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _infoCalls);
        return Answer(() => new AgentInfo(
            Name, "SIM-1", Serial, VigilVersion.Current.ToString(), LicenseChannels, 1, null, Spaces(), [.. OwnCameras]), mutates: false);
    }

    /// <summary>Awaited before each health probe is answered: a test holds probes in flight with it.</summary>
    public Func<Task>? ProbeHeld { get; set; }

    public Task<AgentHealth> HealthAsync(CancellationToken cancellationToken) => ProbeHeld is { } held ? HeldHealthAsync(held) : Health();

    private async Task<AgentHealth> HeldHealthAsync(Func<Task> held)
    {
        await held();
        return await Health();
    }

    private Task<AgentHealth> Health() => ProbesTimeOut ? Task.FromCanceled<AgentHealth>(new CancellationToken(true)) : Answer(() =>
    {
        var own = OwnCameras.Select(c => new CameraHealth(AgentRoutes.OwnRecordings, c.Id,
            !c.Recording ? CameraState.Off : Blocked.Contains(c.Id) ? CameraState.Unreachable : CameraState.Recording,
            LastEnd(AgentRoutes.OwnRecordings, c.Id), 0, null));
        var failover = _takeovers.SelectMany(t => t.Value.Cameras.Select(c => new CameraHealth(t.Key, c.Id,
            Blocked.Contains(c.Id) ? CameraState.Unreachable : CameraState.Recording, LastEnd(t.Key, c.Id), 0, null)));
        return new AgentHealth(DiskFull ? HealthOutcome.SpaceFailure : HealthOutcome.Ok, DiskFull ? "space1 is full" : null, clock.GetUtcNow() + Skew,
            [], [.. own, .. failover]);
    }, mutates: false);

    public Task<TakeoverStatus> TakeOverAsync(string key, TakeoverRequest request, CancellationToken cancellationToken) => Answer(() =>
    {
        if (Broken)
        {
            throw new InvalidOperationException($"{Name}'s answer cannot be read");
        }

        if (TakeoverCutShort)
        {
            throw new AgentCallException(AgentCallException.Rules.ClientClosed, $"the CMS closed its client of {Name} during the call");
        }

        Fence(request.Epoch);
        if (!_takeovers.ContainsKey(key) && !HoldsFootage(key) && UsedSpaces() >= StandbySpaces)
        {
            throw Refused("takeover.no-empty-space");
        }

        _takeovers[key] = new SimTakeover(request.Epoch, [.. request.Cameras]);
        return new TakeoverStatus(key, request.ProtectedServerName, request.Epoch, "space", DateTimeOffset.UnixEpoch, []);
    }, mutates: true);

    public Task ReleaseAsync(string key, long epoch, CancellationToken cancellationToken) => Answer(() =>
    {
        Fence(epoch);
        _takeovers.Remove(key);
        return true;
    }, mutates: true);

    public Task DiscardFootageAsync(string key, long epoch, CancellationToken cancellationToken) => Answer(() =>
    {
        Fence(epoch);
        NotRecording(key);
        if (RefusesRemoval is { } rule)
        {
            throw Refused(rule);
        }

        Delete(_files.Where(f => f.Owner == key).ToList(), discard: true);
        return true;
    }, mutates: true);

    public Task<FootageRemovalResult> RemoveFootageAsync(string key, FootageRemoval removal, CancellationToken cancellationToken) => Answer(() =>
    {
        Fence(removal.Epoch);
        NotRecording(key);
        if (RefusesRemoval is { } rule)
        {
            throw Refused(rule);
        }

        var confirmed = removal.Ids.ShouldNotBeNull("the CMS names the files it confirmed by id").ToHashSet();
        var deleted = _files.Where(f => f.Owner == key && confirmed.Contains(f.Id)).ToList();
        Delete(deleted, discard: false);
        return new FootageRemovalResult(deleted.Count, _files.Count(f => f.Owner == key));
    }, mutates: true);

    public Task<IReadOnlyList<CameraConfig>> CamerasAsync(CancellationToken cancellationToken) =>
        Answer<IReadOnlyList<CameraConfig>>(() => [.. OwnCameras], mutates: false);

    public Task AddCameraAsync(CameraConfig camera, CancellationToken cancellationToken) => Answer(() =>
    {
        OwnCameras.Add(camera);
        return true;
    }, mutates: true);

    public Task RemoveCameraAsync(string cameraId, CancellationToken cancellationToken) => Answer(() => OwnCameras.RemoveAll(c => c.Id == cameraId), mutates: true);

    public Task MoveLicensesAsync(int channels, CancellationToken cancellationToken) => Answer(() => LicenseChannels = channels, mutates: true);

    /// <summary>The simulated agent keeps no credentials: revoking is answered like any other call.</summary>
    public Task RevokeCredentialAsync(CancellationToken cancellationToken) => Answer(() => true, mutates: true);

    public Task<RecordingList> RecordingsAsync(string owner, DateTimeOffset? from, DateTimeOffset? to, long? after, CancellationToken cancellationToken) =>
        Answer(() =>
        {
            var matching = _files.Where(f => f.Owner == owner && (from is null || f.End > from) && (to is null || f.Start < to)).ToList();
            var page = matching.Where(f => f.Id > (after ?? 0)).OrderBy(f => f.Id).Take(PageSize).ToList();
            return new RecordingList(page.Select(f => f.ToContract()).ToList(), page.Count == PageSize ? page[^1].Id : null,
                after is null ? Totals(matching) : null);
        }, mutates: false);

    public async Task ReadRecordingAsync(long recordingId, long offset, Func<Stream, Task> consume, CancellationToken cancellationToken)
    {
        var file = await Answer(() => _files.FirstOrDefault(f => f.Id == recordingId) ?? throw Refused("recording.not-found"), mutates: false).ConfigureAwait(false);
        using var content = new MemoryStream(file.Content[(int)offset..]);
        await consume(content).ConfigureAwait(false);
    }

    public Task GrantFootageAsync(string key, FootageGrant grant, CancellationToken cancellationToken) =>
        Answer(() => _grants[grant.TokenSha256] = key, mutates: true);

    /// <summary>Fetches the page from the standby the CMS named, with the grant it gave: a file of another takeover is refused there.</summary>
    public async Task PullAsync(RestorePull pull, Func<RestorePullReport, Task> report, CancellationToken cancellationToken)
    {
        await Answer(() => true, mutates: false).ConfigureAwait(false);
        var source = PeersUnreachable ? null : Peers(pull.Source);
        if (source is null || source.Down)
        {
            throw new AgentCallException(AgentCallException.Rules.SourceUnreachable, $"{Name} cannot reach {pull.Source}");
        }

        foreach (var recording in pull.Recordings)
        {
            if (HoldsOwn(recording.CameraId, recording.Sha256, recording.Start, recording.End))
            {
                await report(new RestorePullReport(recording.CameraId, recording.Bytes, 1, AlreadyHome: true)).ConfigureAwait(false);
                continue;
            }

            var content = source.GrantedContent(pull.Token, recording.Id);
            var described = new RestoredRecording(
                recording.CameraId, recording.Kind, recording.Start, recording.End, recording.Bytes, recording.Sha256, "day", recording.FileName);
            await RestoreAsync(described, 0, new MemoryStream(content), cancellationToken).ConfigureAwait(false);
            await report(new RestorePullReport(recording.CameraId, recording.Bytes, 1)).ConfigureAwait(false);
        }
    }

    /// <summary>A simulated copy is never cut off part way, so only complete files are ever held.</summary>
    public Task<RestoreCheckResult> CheckRestoredAsync(RestoreCheck check, CancellationToken cancellationToken) => Answer(() =>
        new RestoreCheckResult(ChecksBytesAlone
            ? check.Recordings
                .Select(r => (r.CameraId, r.Kind, r.Sha256)).Distinct()
                .Where(r => HoldsOwn(r.CameraId, r.Sha256, start: null, end: null))
                .Select(r => new RestoreHolding(r.CameraId, r.Kind, r.Sha256, Complete: true, PartialBytes: 0)).ToList()
            : check.Recordings
                .Where(r => HoldsOwn(r.CameraId, r.Sha256, r.Start, r.End))
                .Select(r => new RestoreHolding(r.CameraId, r.Kind, r.Sha256, Complete: true, PartialBytes: 0, r.Start, r.End)).ToList()), mutates: false);

    /// <summary>As the agent's catalog answers: the same camera and bytes, recorded at a time that overlaps the asked span.</summary>
    private bool HoldsOwn(string camera, string sha256, DateTimeOffset? start, DateTimeOffset? end) =>
        _files.Any(f => f.Owner == AgentRoutes.OwnRecordings && f.Camera == camera && f.Sha256 == sha256 && RecordingSpan.Holds(f.Start, f.End, start, end));

    public async Task<Recording> RestoreAsync(RestoredRecording recording, long offset, Stream content, CancellationToken cancellationToken)
    {
        if (offset != 0)
        {
            throw Refused("restore.offset-ahead");
        }

        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        var bytes = buffer.ToArray();
        return await Answer(() =>
        {
            if (DiskFull)
            {
                throw new AgentCallException(AgentCallException.Rules.SpaceFull, $"{Name} has no room for the restored recording");
            }

            var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (sha != recording.Sha256 || bytes.Length != recording.Bytes)
            {
                throw Refused("restore.checksum-mismatch");
            }

            // As the agent names them: the standby's name, then with the checksum, then with the span's start as well.
            string[] names = [$"restored-{recording.FileName}", $"restored-{recording.FileName}-{sha[..16]}", $"restored-{recording.FileName}-{sha[..16]}-{recording.Start.ToUnixTimeMilliseconds()}"];
            foreach (var fileName in names)
            {
                if (_files.FirstOrDefault(f => f.Owner == AgentRoutes.OwnRecordings && f.Camera == recording.CameraId && f.FileName == fileName) is not { } existing)
                {
                    var file = new SimFile(_nextId++, AgentRoutes.OwnRecordings, recording.CameraId, recording.Start, recording.End, bytes, sha, fileName);
                    _files.Add(file);
                    return file.ToContract();
                }

                if (existing.Sha256 == sha && RecordingSpan.Holds(existing.Start, existing.End, recording.Start, recording.End))
                {
                    return existing.ToContract();
                }
            }

            throw Refused("restore.conflict");
        }, mutates: true).ConfigureAwait(false);
    }

    // The simulation explores the failover engine; agent updates are tested on real agents.
    public Task<AgentUpdateStatus> SendUpdateAsync(Stream package, long bytes, IReadOnlyList<string> trustedKeys, CancellationToken cancellationToken) =>
        Task.FromException<AgentUpdateStatus>(Refused("update.not-simulated"));

    public Task<AgentUpdateStatus> UpdateStatusAsync(CancellationToken cancellationToken) =>
        Task.FromException<AgentUpdateStatus>(Refused("update.not-simulated"));

    private byte[] GrantedContent(string token, long recordingId)
    {
        var file = _files.FirstOrDefault(f => f.Id == recordingId);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        if (Down)
        {
            throw new AgentCallException(AgentCallException.Rules.Refused, $"{Name} went down during the pull");
        }

        return file is not null && _grants.TryGetValue(hash, out var key) && key == file.Owner
            ? file.Content
            : throw new AgentCallException(AgentCallException.Rules.Refused, $"{Name} refused recording {recordingId} to the grant");
    }

    private static RecordingTotals Totals(List<SimFile> files) =>
        new(files.Count, files.Sum(f => (long)f.Content.Length),
            files.GroupBy(f => f.Camera).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new CameraTotals(g.Key, g.Count(), g.Sum(f => (long)f.Content.Length))).ToList());

    /// <summary>Loses every takeover record (the agent's database restored from an old copy); the files stay.</summary>
    public void ForgetTakeovers() => _takeovers.Clear();

    private List<SpaceInfo> Spaces()
    {
        if (!IsStandby)
        {
            return [new SpaceInfo("space1", 1L << 40, 1L << 39, IsEmpty: false)];
        }

        var used = UsedSpaces();
        return Enumerable.Range(1, StandbySpaces).Select(i => new SpaceInfo($"space{i}", 1L << 40, 1L << 39, IsEmpty: i > used)).ToList();
    }

    private int UsedSpaces() => _takeovers.Keys.Concat(_files.Where(f => f.Owner != AgentRoutes.OwnRecordings).Select(f => f.Owner)).Distinct().Count();

    private bool HoldsFootage(string key) => _files.Any(f => f.Owner == key);

    private DateTimeOffset? LastEnd(string owner, string camera) =>
        _files.Where(f => f.Owner == owner && f.Camera == camera).Select(f => (DateTimeOffset?)f.End).Max();

    /// <summary>A camera's second is the same bytes whoever records it; only the times in the catalog are on the agent's (maybe skewed) clock.</summary>
    private void Add(string owner, string camera, DateTimeOffset end)
    {
        var content = Encoding.UTF8.GetBytes(RepeatsContent ? camera : $"{camera}|{end.ToUnixTimeSeconds()}");
        var catalogued = end + Skew;
        _files.Add(new SimFile(_nextId++, owner, camera, catalogued.AddSeconds(-1), catalogued, content, Convert.ToHexStringLower(SHA256.HashData(content)),
            $"seg-{end.ToUnixTimeSeconds()}.ts"));
    }

    private void Delete(List<SimFile> files, bool discard)
    {
        foreach (var file in files)
        {
            _files.Remove(file);
            Deletions.Add(new SimDeletion(file.Owner, file.Camera, file.Sha256, file.Start, file.End, discard));
        }
    }

    private void Fence(long epoch)
    {
        if (epoch < _highestEpoch)
        {
            throw Refused("takeover.stale-epoch");
        }

        _highestEpoch = epoch;
    }

    private void NotRecording(string key)
    {
        if (_takeovers.ContainsKey(key))
        {
            throw Refused("takeover.still-recording");
        }
    }

    /// <summary>Down: nothing happens. Refusing the credential: nothing happens. Hung: it happens, the answer is lost.</summary>
    private Task<T> Answer<T>(Func<T> action, bool mutates)
    {
        if (Down)
        {
            return Task.FromException<T>(new AgentCallException(AgentCallException.Rules.Unreachable, $"{Name} is down"));
        }

        if (RejectsCredential)
        {
            return Task.FromException<T>(new AgentCallException(AgentCallException.Rules.CredentialRejected, $"{Name} rejects the CMS's credential"));
        }

        if (Hung && !mutates)
        {
            return Task.FromException<T>(new AgentCallException(AgentCallException.Rules.Unreachable, $"{Name} did not answer in time"));
        }

        try
        {
            var result = action();
            return Hung
                ? Task.FromException<T>(new AgentCallException(AgentCallException.Rules.Unreachable, $"{Name} did not answer in time"))
                : Task.FromResult(result);
        }
        catch (AgentCallException e)
        {
            return Task.FromException<T>(e);
        }
    }

    private AgentCallException Refused(string rule) => new(AgentCallException.Rules.Refused, $"{Name} refused: {rule}");
}

internal sealed record SimTakeover(long Epoch, IReadOnlyList<CameraConfig> Cameras);

internal sealed record SimFile(long Id, string Owner, string Camera, DateTimeOffset Start, DateTimeOffset End, byte[] Content, string Sha256, string FileName)
{
    public Recording ToContract() => new(Id, Owner, Camera, RecordingKind.Video, Start, End, Content.Length, Sha256, FileName);
}

internal sealed record SimDeletion(string Owner, string Camera, string Sha256, DateTimeOffset Start, DateTimeOffset End, bool Discard);

using Vigil.Contracts.Agent;

namespace Vigil.Cms.Agents;

/// <summary>
/// The agent API as the CMS's monitor, failover engine and services use it, one paired agent per instance:
/// over HTTP(S) in production (<see cref="AgentClient"/>), or a simulated agent in the deterministic
/// simulation. Every failure is an <see cref="AgentCallException"/> whose rule says what went wrong.
/// </summary>
internal interface IAgentApi
{
    Task<AgentInfo> InfoAsync(CancellationToken cancellationToken);

    Task<AgentHealth> HealthAsync(CancellationToken cancellationToken);

    /// <summary>Records a protected server's cameras (a takeover), fenced by the request's epoch.</summary>
    Task<TakeoverStatus> TakeOverAsync(string key, TakeoverRequest request, CancellationToken cancellationToken);

    /// <summary>Stops recording for a protected server once its recorders stopped; succeeds when there is no such takeover.</summary>
    Task ReleaseAsync(string key, long epoch, CancellationToken cancellationToken);

    /// <summary>Discards every recording kept for a protected server: only for an operator's confirmed discard.</summary>
    Task DiscardFootageAsync(string key, long epoch, CancellationToken cancellationToken);

    /// <summary>Deletes only the footage of a released takeover whose checksums are confirmed home.</summary>
    Task<FootageRemovalResult> RemoveFootageAsync(string key, FootageRemoval removal, CancellationToken cancellationToken);

    Task<IReadOnlyList<CameraConfig>> CamerasAsync(CancellationToken cancellationToken);

    Task AddCameraAsync(CameraConfig camera, CancellationToken cancellationToken);

    Task RemoveCameraAsync(string cameraId, CancellationToken cancellationToken);

    Task MoveLicensesAsync(int channels, CancellationToken cancellationToken);

    /// <summary>Ends the credential this CMS holds for the agent: after the server is deleted nobody can use it.</summary>
    Task RevokeCredentialAsync(CancellationToken cancellationToken);

    /// <summary>
    /// One page of the catalog entries of <paramref name="owner"/>, those overlapping [from, to) when given, after the
    /// cursor <paramref name="after"/> (null: the first page, which also carries the totals).
    /// </summary>
    Task<RecordingList> RecordingsAsync(string owner, DateTimeOffset? from, DateTimeOffset? to, long? after, CancellationToken cancellationToken);

    /// <summary>
    /// Streams a recording's bytes from <paramref name="offset"/> on to <paramref name="consume"/>. No whole-call timeout:
    /// the caller ends a transfer that stops making progress.
    /// </summary>
    Task ReadRecordingAsync(long recordingId, long offset, Func<Stream, Task> consume, CancellationToken cancellationToken);

    /// <summary>Lets the bearer of a token read the footage of takeover <paramref name="key"/> (and nothing else) until the grant expires.</summary>
    Task GrantFootageAsync(string key, FootageGrant grant, CancellationToken cancellationToken);

    /// <summary>
    /// Has the recording server fetch one catalog page of footage straight from a standby, and passes on each progress line it
    /// writes. No whole-call timeout: a pull that writes nothing for a while (it writes at least every
    /// <see cref="RestorePullReport.Heartbeat"/>) is ended. Throws when the pull stopped short, with the agent's reason
    /// (<see cref="AgentCallException.Rules.SourceUnreachable"/> when it cannot reach the standby at all).
    /// </summary>
    Task PullAsync(RestorePull pull, Func<RestorePullReport, Task> report, CancellationToken cancellationToken);

    /// <summary>Which of the listed failover recordings the recording server holds already, in whole or in part.</summary>
    Task<RestoreCheckResult> CheckRestoredAsync(RestoreCheck check, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a failover recording home, its bytes from <paramref name="offset"/> on; the agent keeps it only if the whole
    /// file's SHA-256 matches. No whole-call timeout, as for <see cref="ReadRecordingAsync"/>.
    /// </summary>
    Task<Recording> RestoreAsync(RestoredRecording recording, long offset, Stream content, CancellationToken cancellationToken);

    /// <summary>Sends an update package of <paramref name="bytes"/> bytes: the agent verifies it against <paramref name="trustedKeys"/>, installs it and restarts into it.</summary>
    Task<AgentUpdateStatus> SendUpdateAsync(Stream package, long bytes, IReadOnlyList<string> trustedKeys, CancellationToken cancellationToken);

    /// <summary>Where the agent's update stands, and the version it runs.</summary>
    Task<AgentUpdateStatus> UpdateStatusAsync(CancellationToken cancellationToken);
}

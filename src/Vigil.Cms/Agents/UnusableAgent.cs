using Vigil.Contracts.Agent;

namespace Vigil.Cms.Agents;

/// <summary>
/// Stands in for an agent the CMS cannot speak to at all because its stored credential cannot be
/// decrypted: every call fails with the same reason, so that one damaged row never stops the monitor
/// or the engine from serving every other server.
/// </summary>
internal sealed class UnusableAgent(AgentCallException reason) : IAgentApi
{
    public Task<AgentInfo> InfoAsync(CancellationToken cancellationToken) => Task.FromException<AgentInfo>(reason);

    public Task<AgentHealth> HealthAsync(CancellationToken cancellationToken) => Task.FromException<AgentHealth>(reason);

    public Task<TakeoverStatus> TakeOverAsync(string key, TakeoverRequest request, CancellationToken cancellationToken) =>
        Task.FromException<TakeoverStatus>(reason);

    public Task ReleaseAsync(string key, long epoch, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task DiscardFootageAsync(string key, long epoch, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task<FootageRemovalResult> RemoveFootageAsync(string key, FootageRemoval removal, CancellationToken cancellationToken) =>
        Task.FromException<FootageRemovalResult>(reason);

    public Task<IReadOnlyList<CameraConfig>> CamerasAsync(CancellationToken cancellationToken) =>
        Task.FromException<IReadOnlyList<CameraConfig>>(reason);

    public Task AddCameraAsync(CameraConfig camera, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task RemoveCameraAsync(string cameraId, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task MoveLicensesAsync(int channels, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task RevokeCredentialAsync(CancellationToken cancellationToken) => Task.FromException(reason);

    public Task<RecordingList> RecordingsAsync(string owner, DateTimeOffset? from, DateTimeOffset? to, long? after, CancellationToken cancellationToken) =>
        Task.FromException<RecordingList>(reason);

    public Task GrantFootageAsync(string key, FootageGrant grant, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task PullAsync(RestorePull pull, Func<RestorePullReport, Task> report, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task ReadRecordingAsync(long recordingId, long offset, Func<Stream, Task> consume, CancellationToken cancellationToken) => Task.FromException(reason);

    public Task<RestoreCheckResult> CheckRestoredAsync(RestoreCheck check, CancellationToken cancellationToken) => Task.FromException<RestoreCheckResult>(reason);

    public Task<Recording> RestoreAsync(RestoredRecording recording, long offset, Stream content, CancellationToken cancellationToken) =>
        Task.FromException<Recording>(reason);

    public Task<AgentUpdateStatus> SendUpdateAsync(Stream package, long bytes, IReadOnlyList<string> trustedKeys, CancellationToken cancellationToken) =>
        Task.FromException<AgentUpdateStatus>(reason);

    public Task<AgentUpdateStatus> UpdateStatusAsync(CancellationToken cancellationToken) => Task.FromException<AgentUpdateStatus>(reason);
}

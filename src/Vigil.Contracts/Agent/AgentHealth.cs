namespace Vigil.Contracts.Agent;

/// <summary>The agent's verdict on itself, as the CMS health policy reads it.</summary>
public enum HealthOutcome
{
    /// <summary>Records what it should (a dead camera on its own still counts as ok).</summary>
    Ok,

    /// <summary>A recording space is missing, not writable or full.</summary>
    SpaceFailure,

    /// <summary>The recorder itself cannot record (ffmpeg cannot run, segments cannot be written).</summary>
    RecordingServiceFailure,
}

public enum CameraState
{
    /// <summary>ffmpeg is starting and no segment is finished yet.</summary>
    Starting,

    /// <summary>Segments are being written.</summary>
    Recording,

    /// <summary>
    /// The stream cannot be read now: the camera does not answer, went silent, or refused (a full session
    /// limit, a wrong password; <see cref="CameraHealth.Problem"/> says which). Tried again as soon as it answers.
    /// </summary>
    Unreachable,

    /// <summary>Recording is switched off for this camera.</summary>
    Off,
}

public sealed record SpaceHealth(string Path, bool Present, bool Writable, long CapacityBytes, long FreeBytes, string? Problem);

/// <param name="Owner"><see cref="AgentRoutes.OwnRecordings"/>, or the protected server whose camera this is.</param>
/// <param name="Restarts">How often ffmpeg was restarted for this camera since the agent started.</param>
/// <param name="Note">What the operator should know that does not stop the recording (the camera's audio dropped).</param>
public sealed record CameraHealth(
    string Owner, string CameraId, CameraState State, DateTimeOffset? LastSegmentEnd, int Restarts, string? Problem, string? Note = null);

public sealed record AgentHealth(
    HealthOutcome Outcome, string? Problem, DateTimeOffset At, IReadOnlyList<SpaceHealth> Spaces, IReadOnlyList<CameraHealth> Cameras);

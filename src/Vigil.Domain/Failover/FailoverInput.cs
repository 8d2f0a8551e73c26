namespace Vigil.Domain.Failover;

/// <summary>Something that happened to an episode, or that an operator asks of it.</summary>
public abstract record FailoverInput;

/// <summary>The planner chose a standby; its takeover command will carry <paramref name="Epoch"/>.</summary>
public sealed record StandbyChosen(ServerId Standby, Epoch Epoch) : FailoverInput;

/// <summary>No standby can take the server over now.</summary>
public sealed record NoStandbyAvailable(string Reason) : FailoverInput;

/// <summary>The standby reports that it records the server's cameras under <paramref name="Epoch"/>.</summary>
public sealed record TakeoverConfirmed(Epoch Epoch) : FailoverInput;

/// <summary>The chosen standby could not take over.</summary>
public sealed record TakeoverFailed(string Reason) : FailoverInput;

/// <summary>The standby protecting the server has itself failed.</summary>
public sealed record StandbyLost(string Reason) : FailoverInput;

/// <summary>The original has been healthy for the stabilisation period and automatic failback is on.</summary>
public sealed record OriginalRecovered : FailoverInput;

/// <summary>The recording server failed again while failing back or restoring; a re-takeover carries <paramref name="Epoch"/>.</summary>
public sealed record OriginalFailed(Epoch Epoch) : FailoverInput;

/// <summary>The recording server reports that it records its own cameras again.</summary>
public sealed record OriginalRecordingConfirmed : FailoverInput;

/// <summary>
/// Failback cannot go on yet, and why (e.g. a camera the recording server cannot reach, which the
/// standby keeps recording meanwhile). Only while the original does not record yet.
/// </summary>
public sealed record FailbackWaiting(string Reason) : FailoverInput;

/// <summary>The standby stopped recording the server's cameras.</summary>
public sealed record StandbyReleased(bool RestoreRecordings) : FailoverInput;

public sealed record RestoreProgressed(RestoreProgress Progress) : FailoverInput;

/// <summary>
/// The restore cannot go on for now, and why (the recording server's space cannot hold the rest, or an attempt failed
/// without bringing anything home): it goes on by itself once the cause is gone, and the note says what it waits for meanwhile.
/// </summary>
public sealed record RestoreWaiting(string Reason) : FailoverInput;

/// <summary>Every failover recording is on the recording server, checksums verified.</summary>
public sealed record RestoreCompleted : FailoverInput;

/// <summary>The failover footage is gone from every standby that held it.</summary>
public sealed record CleanupCompleted : FailoverInput;

/// <summary>A step can never succeed; the episode ends as failed, unless standbys still hold its footage.</summary>
public sealed record StepFailed(string Reason) : FailoverInput;

/// <summary>Operator: fail back now rather than wait.</summary>
public sealed record ManualFailback(bool OriginalFunctional) : FailoverInput;

/// <summary>Operator: stop copying; what is left on the standby is removed.</summary>
public sealed record StopRestoration(bool Confirmed) : FailoverInput;

/// <summary>Operator: the acting standby becomes the recording server.</summary>
public sealed record ReplaceWithActingStandby : FailoverInput;

/// <summary>Operator: another recording server, in normal status, takes the original's place.</summary>
public sealed record ReplaceWithServer(ServerId Replacement, bool ReplacementNormal) : FailoverInput;

/// <summary>
/// Operator: the protecting standby is edited, disabled or deleted (or the original disabled):
/// the failover stops and its footage on the standby is removed.
/// </summary>
public sealed record StopFailover(bool Confirmed) : FailoverInput;

/// <summary>Operator: the episode's group is deleted.</summary>
public sealed record GroupDeleted : FailoverInput;

namespace Vigil.Domain.Status;

/// <summary>A recording server's failover status (docs/product-rules.md, Statuses).</summary>
public enum RecordingStatus
{
    NormalProtected,
    NormalUnprotected,
    AbnormalProtected,
    AbnormalUnprotected,
    Disabled,
}

/// <summary>A standby server's failover status (docs/product-rules.md, Statuses).</summary>
public enum StandbyStatus
{
    NormalReady,
    NormalProtecting,
    Warning,
    Abnormal,
    AbnormalProtectionFailed,
    Disabled,
}

/// <summary>
/// A server's status as shown to operators: <see cref="Code"/> is the exact API string
/// (<c>normal_protected</c>, …), <see cref="Label"/> the seeds' wording ("Normal, protected", …),
/// <see cref="Detail"/> why, in words.
/// </summary>
public sealed record ServerStatus(string Code, string Label, string Detail)
{
    public static ServerStatus Of(RecordingStatus status, string detail) => status switch
    {
        RecordingStatus.NormalProtected => new("normal_protected", "Normal, protected", detail),
        RecordingStatus.NormalUnprotected => new("normal_unprotected", "Normal, unprotected", detail),
        RecordingStatus.AbnormalProtected => new("abnormal_protected", "Abnormal, protected", detail),
        RecordingStatus.AbnormalUnprotected => new("abnormal_unprotected", "Abnormal, unprotected", detail),
        RecordingStatus.Disabled => new("disabled", "Disabled", detail),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown recording status."),
    };

    public static ServerStatus Of(StandbyStatus status, string detail) => status switch
    {
        StandbyStatus.NormalReady => new("normal_ready", "Normal, protection ready", detail),
        StandbyStatus.NormalProtecting => new("normal_protecting", "Normal, protecting", detail),
        StandbyStatus.Warning => new("warning", "Warning", detail),
        StandbyStatus.Abnormal => new("abnormal", "Abnormal", detail),
        StandbyStatus.AbnormalProtectionFailed => new("abnormal_protection_failed", "Abnormal, protection failed", detail),
        StandbyStatus.Disabled => new("disabled", "Disabled", detail),
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown standby status."),
    };
}

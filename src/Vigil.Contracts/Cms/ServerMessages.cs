using Vigil.Contracts.Agent;

namespace Vigil.Contracts.Cms;

public enum ServerRoleName
{
    Recording,
    Standby,
}

/// <summary>How the CMS reaches an agent.</summary>
public sealed record ServerAddress(string Host, int Port, bool Https = false)
{
    public override string ToString() => $"{(Https ? "https" : "http")}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}";
}

/// <param name="Name">The display name; the agent's own name when left out.</param>
/// <param name="Password">The agent's admin password: traded for a credential at pairing, never stored.</param>
/// <param name="Fingerprint">
/// Over https, the SHA-256 fingerprint of the agent's certificate as the operator confirmed it (the agent prints it at
/// start); nothing secret is sent to the agent unless the certificate it presents has this fingerprint.
/// </param>
public sealed record AddServerRequest(
    int GroupId, ServerRoleName Role, string Host, int Port, bool Https, string Password, string? Name = null, string? Fingerprint = null);

/// <param name="Role">With <paramref name="GroupId"/>, also checks whether the server could join that group in that role.</param>
/// <param name="Fingerprint">The certificate fingerprint the operator confirmed; without it only the agent's public identity is read.</param>
public sealed record TestConnectionRequest(
    string Host, int Port, bool Https, string Password, ServerRoleName? Role = null, int? GroupId = null, string? Fingerprint = null);

/// <summary>
/// What a reachable agent says about itself, and why it could not join as asked (empty when it could). Until its
/// certificate is trusted (<paramref name="Trusted"/> false) only its public identity is known: the admin password was
/// not sent, the license, spaces and cameras are not read, and the refusals say the fingerprint needs confirming.
/// <paramref name="Compatibility"/> says how its version stands against the CMS's (<c>compatible</c>, <c>update_required</c>, <c>incompatible</c>).
/// </summary>
public sealed record TestConnectionResponse(
    string Name,
    string Model,
    string Serial,
    string AgentVersion,
    int LicenseChannels,
    string? CertificateFingerprint,
    IReadOnlyList<SpaceInfo> Spaces,
    int CameraCount,
    IReadOnlyList<RuleMessage> Refusals,
    bool Trusted = true,
    string Compatibility = "compatible");

/// <summary>A broken rule: its code and what it means here.</summary>
public sealed record RuleMessage(string Rule, string Message);

public enum NamingRuleName
{
    Default,
    ModelNumber,
    PrefixNumber,
}

/// <param name="Preview">When true nothing is added; the response shows the names the servers would get.</param>
/// <param name="TrustedFingerprints">
/// The certificate fingerprints the operator confirmed (the preview shows each member's); an https member whose
/// certificate is not among them is refused before its admin password is sent.
/// </param>
public sealed record BatchAddRequest(
    int GroupId, ServerRoleName Role, NamingRuleName Naming, string? Prefix, string Password, IReadOnlyList<ServerAddress> Servers, bool Preview = false,
    IReadOnlyList<string>? TrustedFingerprints = null);

/// <summary>One member of a batch: the name it gets (or would get), the certificate it presented, and what stops it, if anything.</summary>
public sealed record BatchMemberResult(
    ServerAddress Address, string? Name, int? ServerId, IReadOnlyList<RuleMessage> Refusals, string? CertificateFingerprint = null);

/// <param name="Added">False for a preview, and when any member was refused (then nothing was added).</param>
public sealed record BatchAddResponse(bool Added, IReadOnlyList<BatchMemberResult> Members);

/// <summary>Changes to a server; fields left out stay as they are. A new password pairs again.</summary>
/// <param name="GroupId">Puts a server that is in no group (its group was deleted) into this group.</param>
/// <param name="Fingerprint">A newly confirmed certificate fingerprint: needed when the agent now presents a certificate other than the pinned one.</param>
public sealed record EditServerRequest(
    string? Name = null, string? Host = null, int? Port = null, bool? Https = null, string? Password = null, int? GroupId = null, string? Fingerprint = null);

/// <summary>Changes the agent's own admin password; the CMS pairs again with the new one, as every older credential ends.</summary>
public sealed record AgentPasswordChange(string CurrentPassword, string NewPassword);

public sealed record EnabledRequest(bool Enabled);

/// <summary>A derived status: the exact API string, the seeds' wording, and why.</summary>
public sealed record StatusView(string Code, string Label, string Detail);

/// <param name="State">healthy, suspect, failed, recovering or recovered.</param>
/// <param name="Access">Why the CMS cannot speak to the server although it may be up (its credential rejected or unreadable): pair it again.</param>
public sealed record HealthView(string State, string? Problem, DateTimeOffset? Since, DateTimeOffset? LastProbe, string? Access = null);

/// <summary>A camera's state as its server reported it in the last probe: "recording", "starting", "unreachable" or "off".</summary>
/// <param name="Owner">"own" for the server's own camera; for a standby, the key of the server whose camera it records.</param>
/// <param name="Problem">Why it is not recording, in the camera's or ffmpeg's words, passwords masked.</param>
/// <param name="Note">What does not stop the recording but should be known (its audio dropped).</param>
public sealed record CameraStateView(string Owner, string Id, string State, string? Problem, string? Note, DateTimeOffset? LastSegmentEnd);

/// <summary>A server as the CMS knows it, with its derived status.</summary>
/// <param name="CameraStates">Each camera's state in the server's last answered probe (empty before the first).</param>
/// <param name="Clock">How far the server's clock is from the CMS's, from its last answered probe (null before the first).</param>
/// <param name="Compatibility">How its agent's version stands against the CMS's: <c>compatible</c>, <c>update_required</c> or <c>incompatible</c>.</param>
/// <param name="Update">Its latest agent update while under way, or ended in the last hour.</param>
public sealed record ServerView(
    int Id,
    string Name,
    ServerRoleName Role,
    bool Enabled,
    int? GroupId,
    string? GroupName,
    int Priority,
    ServerAddress Address,
    string? CertificateFingerprint,
    StatusView Status,
    HealthView Health,
    string Model,
    string Serial,
    string AgentVersion,
    int LicenseChannels,
    IReadOnlyList<SpaceInfo> Spaces,
    IReadOnlyList<CameraConfig> Cameras,
    DateTimeOffset? LastSyncedAt,
    IReadOnlyList<CameraStateView> CameraStates,
    ClockView? Clock = null,
    string Compatibility = "compatible",
    ServerUpdateView? Update = null);

/// <summary>
/// The server's clock against the CMS's: <paramref name="OffsetSeconds"/> is how far ahead (positive) or behind it is,
/// give or take <paramref name="UncertaintySeconds"/> (half the probe's round trip). <paramref name="Drifting"/> when
/// surely more than <paramref name="LimitSeconds"/> apart: footage times and failover measurements are then off.
/// </summary>
public sealed record ClockView(double OffsetSeconds, double UncertaintySeconds, bool Drifting, double LimitSeconds);

public sealed record ServerList(IReadOnlyList<ServerView> Servers);

/// <summary>The seeds' right-hand panel: how many servers of each role are in each status, and the CMS's own condition.</summary>
public sealed record StatusSummary(
    IReadOnlyDictionary<string, int> Recording, IReadOnlyDictionary<string, int> Standby, int Total, CmsCondition Cms);

/// <summary>
/// Whether the CMS itself is impaired (<paramref name="Overloaded"/>: its probe rounds start late), since when and why.
/// While it is, probes that time out are not held against servers, so a server that goes silent is failed over late.
/// </summary>
public sealed record CmsCondition(bool Overloaded, DateTimeOffset? Since, string? Reason);

namespace Vigil.Contracts.Agent;

/// <summary>The agent API, version 1. Everything but <see cref="Live"/>, <see cref="Identity"/> and pairing needs a credential.</summary>
public static class AgentRoutes
{
    public const string Prefix = "/api/v1";

    /// <summary>
    /// The header every call of a leading CMS carries: its leader term, a number that only grows from one leader to
    /// the next (and across a CMS database restored from a backup). An agent raises the highest term it knows from any
    /// CMS call, and refuses a takeover command (take over, release, discard, remove footage) from an older term with
    /// 409 <c>takeover.stale-leader</c>: a leader that was paused past its lease cannot undo its successor's work.
    /// </summary>
    public const string LeaderTermHeader = "X-Vigil-Leader-Term";

    /// <summary>GET: answers 200 while the agent process runs. No authentication: the CMS probes it every second.</summary>
    public const string Live = Prefix + "/live";

    /// <summary>
    /// GET <see cref="AgentIdentityView"/>, no authentication: who answers at this address, read before any
    /// secret is sent so the operator can compare the certificate's fingerprint with the one the agent printed.
    /// </summary>
    public const string Identity = Prefix + "/identity";

    /// <summary>
    /// POST <see cref="PairingRequest"/>: trades the agent's admin password for a credential (a new one replaces
    /// every earlier credential of the same CMS id). DELETE with the credential: revokes that credential.
    /// </summary>
    public const string Pairing = Prefix + "/pairing";

    /// <summary>PUT <see cref="AdminPasswordChange"/> with the current password (Basic): every credential issued under it ends.</summary>
    public const string AdminPassword = Prefix + "/admin-password";

    /// <summary>GET <see cref="AuditList"/>: the destructive calls the agent obeyed, newest first (query <c>limit</c>, default 100).</summary>
    public const string Audit = Prefix + "/audit";

    /// <summary>GET <see cref="AgentInfo"/>.</summary>
    public const string Info = Prefix + "/info";

    /// <summary>GET <see cref="AgentHealth"/>.</summary>
    public const string Health = Prefix + "/health";

    /// <summary>GET, POST <see cref="CameraConfig"/>; PUT and DELETE <c>/cameras/{id}</c>.</summary>
    public const string Cameras = Prefix + "/cameras";

    /// <summary>GET the takeovers; PUT <c>/takeovers/{server}</c> <see cref="TakeoverRequest"/>; DELETE <c>/takeovers/{server}?epoch=</c>.</summary>
    public const string Takeovers = Prefix + "/takeovers";

    /// <summary>
    /// GET one page of <see cref="RecordingList"/> (filters: owner, camera, from, to; paging: after, limit); GET
    /// <c>/recordings/{id}/content</c> with ranges.
    /// </summary>
    public const string Recordings = Prefix + "/recordings";

    /// <summary>
    /// PUT: a failover recording copied home, as the body's bytes, described by the query (see
    /// <see cref="RestoredRecording"/>); answers the <see cref="Recording"/> as catalogued.
    /// </summary>
    public const string RestoredRecordings = Prefix + "/restored-recordings";

    /// <summary>POST <see cref="RestoreCheck"/>: which of the listed recordings are home already, in whole or in part (<see cref="RestoreCheckResult"/>).</summary>
    public const string RestoredRecordingsCheck = RestoredRecordings + "/check";

    /// <summary>
    /// POST <see cref="RestorePull"/>: the recording server fetches failover recordings straight from a standby; answers a stream of
    /// <see cref="RestorePullReport"/> lines (<c>application/x-ndjson</c>).
    /// </summary>
    public const string RestoredRecordingsPull = RestoredRecordings + "/pull";

    /// <summary>PUT <see cref="LicenseRequest"/>: the license channels of a server this one replaces move here.</summary>
    public const string License = Prefix + "/license";

    /// <summary>POST <c>/snapshots/{owner}/{camera}</c>: takes a still image now.</summary>
    public const string Snapshots = Prefix + "/snapshots";

    /// <summary>
    /// GET <see cref="AgentUpdateStatus"/>; POST an update package as the body (<c>application/octet-stream</c>, with its
    /// length) and the publisher keys the CMS trusts in <see cref="UpdateKeysHeader"/>: the agent verifies it, installs it
    /// beside the running version, answers 202 with the status and restarts into it. Refused with a problem (422, its rule
    /// code) when unsigned, signed by an unknown key, altered, not newer, or when this agent cannot update itself.
    /// </summary>
    public const string Update = Prefix + "/update";

    /// <summary>The trusted publisher keys for <see cref="Update"/>: base64 SubjectPublicKeyInfo (DER) of ECDSA P-256 keys, comma-separated.</summary>
    public const string UpdateKeysHeader = "Vigil-Update-Keys";

    /// <summary>The owner of a recording of the agent's own cameras; failover recordings are owned by the protected server's key.</summary>
    public const string OwnRecordings = "own";

    public static string Camera(string id) => $"{Cameras}/{Uri.EscapeDataString(id)}";

    public static string Takeover(string server) => $"{Takeovers}/{Uri.EscapeDataString(server)}";

    public static string TakeoverRecordings(string server) => $"{Takeover(server)}/recordings";

    /// <summary>POST <see cref="FootageRemoval"/>: deletes the listed (confirmed home) footage of a released takeover.</summary>
    public static string TakeoverRecordingsRemoval(string server) => $"{Takeover(server)}/recordings/removal";

    /// <summary>PUT <see cref="FootageGrant"/>: a read-only token for this takeover's footage (its catalog pages and file contents).</summary>
    public static string TakeoverGrant(string server) => $"{Takeover(server)}/grant";

    public static string RecordingContent(long id) => $"{Recordings}/{id}/content";

    public static string Snapshot(string owner, string camera) => $"{Snapshots}/{Uri.EscapeDataString(owner)}/{Uri.EscapeDataString(camera)}";
}

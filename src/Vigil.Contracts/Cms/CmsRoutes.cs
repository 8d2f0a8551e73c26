namespace Vigil.Contracts.Cms;

/// <summary>The CMS REST API, version 1. Everything but <see cref="Live"/> and the sign-ins needs a bearer token (or the console's session cookie).</summary>
public static class CmsRoutes
{
    public const string Prefix = "/api/v1";

    /// <summary>GET: answers 200 while the CMS runs.</summary>
    public const string Live = Prefix + "/live";

    /// <summary>
    /// GET: 200 on the CMS host that leads, 503 on a standby (no authentication): the health check a load balancer in
    /// front of several CMS hosts sends requests by, so the console and clients behind one address follow the leader.
    /// </summary>
    public const string LiveLeader = Live + "/leader";

    /// <summary>POST <see cref="LoginRequest"/> → <see cref="LoginResponse"/>; DELETE ends the caller's session.</summary>
    public const string Login = Prefix + "/auth/session";

    /// <summary>
    /// POST <see cref="LoginRequest"/>: signs the web console in with an HttpOnly session cookie instead of a
    /// token; DELETE signs it out. Cookie-authenticated changes must carry <see cref="ConsoleHeader"/>.
    /// </summary>
    public const string ConsoleSession = Prefix + "/auth/console-session";

    /// <summary>The header every change the console makes carries, which a page of another site cannot send.</summary>
    public const string ConsoleHeader = "X-Vigil-Console";

    /// <summary>GET: a server-sent event stream of <see cref="LiveSnapshot"/>, one each time the dashboard's state changes.</summary>
    public const string Updates = Prefix + "/updates";

    /// <summary>POST <see cref="ReauthenticationRequest"/>: the first admin confirms a destructive action.</summary>
    public const string Reauthenticate = Prefix + "/auth/reauthentication";

    /// <summary>PUT <see cref="PasswordChangeRequest"/> → <see cref="LoginResponse"/>: the caller changes their own password; all their sessions end.</summary>
    public const string Password = Prefix + "/auth/password";

    /// <summary>GET <see cref="UserList"/>, POST <see cref="AddUserRequest"/>; DELETE <c>/users/{id}</c>; PUT <c>/users/{id}/role</c> and <c>/users/{id}/password</c>. Administrators only.</summary>
    public const string Users = Prefix + "/users";

    /// <summary>GET the OpenAPI document of this API.</summary>
    public const string OpenApi = Prefix + "/openapi.json";

    /// <summary>GET, POST <see cref="GroupRequest"/>; PUT and DELETE <c>/groups/{id}</c>; PUT <c>/groups/{id}/protection</c>.</summary>
    public const string Groups = Prefix + "/groups";

    /// <summary>GET (filters: status, role, group), POST <see cref="AddServerRequest"/>; GET, PATCH, DELETE <c>/servers/{id}</c>.</summary>
    public const string Servers = Prefix + "/servers";

    /// <summary>POST <see cref="TestConnectionRequest"/>: connects to an agent without adding it.</summary>
    public const string ServerTest = Servers + "/test";

    /// <summary>POST <see cref="ServerSearchRequest"/> → <see cref="ServerSearchResponse"/>: searches the LAN for agents now (administrators).</summary>
    public const string ServerSearch = Servers + "/search";

    /// <summary>POST <see cref="BatchAddRequest"/>: previews or adds several servers with a naming rule.</summary>
    public const string ServerBatch = Servers + "/batch";

    /// <summary>GET <see cref="StatusSummary"/>: the count of servers in each status.</summary>
    public const string Status = Prefix + "/status";

    /// <summary>GET, PUT <see cref="SettingsView"/>.</summary>
    public const string Settings = Prefix + "/settings";

    /// <summary>
    /// GET <see cref="CmsHostsView"/>: which CMS host leads, since when, and every host's last renewal. A standby host
    /// answers it too (with the sign-ins and <see cref="Live"/>); everything else it refuses with 503 naming the leader.
    /// </summary>
    public const string Hosts = Prefix + "/cms/hosts";

    /// <summary>GET <see cref="FailoverList"/>: the failovers now open (filter: server).</summary>
    public const string Failovers = Prefix + "/failovers";

    /// <summary>
    /// GET <see cref="EventList"/>: transitions, health changes and operator actions, newest first, one page at a time
    /// (filters: server, kind; limit; before, an event id, for the page older than it).
    /// </summary>
    public const string Events = Prefix + "/events";

    /// <summary>GET <see cref="AlertSettingsView"/>: the webhooks and the e-mail settings (passwords masked). Administrators change them.</summary>
    public const string Alerts = Prefix + "/alerts";

    /// <summary>POST <see cref="AddWebhookRequest"/> → <see cref="WebhookCreated"/>; DELETE <c>/alerts/webhooks/{id}</c>.</summary>
    public const string AlertWebhooks = Alerts + "/webhooks";

    /// <summary>PUT <see cref="EmailSettingsView"/>; DELETE turns alert e-mails off and forgets the settings.</summary>
    public const string AlertEmail = Alerts + "/email";

    /// <summary>POST <see cref="AlertTestRequest"/>: queues an <c>alert.test</c> to one webhook or to the e-mail recipients.</summary>
    public const string AlertTest = Alerts + "/test";

    /// <summary>GET <see cref="AlertDeliveryList"/>: every alert sent or being retried, newest first (filter: limit).</summary>
    public const string AlertDeliveries = Alerts + "/deliveries";

    public static string AlertWebhook(int id) => $"{AlertWebhooks}/{id}";
    /// <summary>POST <see cref="RunDrillRequest"/> → 202 <see cref="DrillView"/> (operators); GET <see cref="DrillList"/>, newest first (filters: server, limit).</summary>
    public const string Drills = Prefix + "/drills";

    /// <summary>GET, PUT <see cref="DrillSettingsView"/>: drill thresholds and schedule.</summary>
    public const string DrillSettings = Settings + "/drills";

    /// <summary>The query flag that confirms an action the CMS warned about (stopping a failover, removing its recordings).</summary>
    public const string ConfirmFlag = "confirm";

    /// <summary>
    /// GET <see cref="ServerUpdateList"/>: agent updates, newest first (filters: server, limit); POST <see cref="StartUpdateRequest"/>
    /// → 202 <see cref="ServerUpdateList"/> (administrators): queues one update per server.
    /// </summary>
    public const string AgentUpdates = Prefix + "/agent-updates";

    /// <summary>GET <see cref="UpdatePackageList"/>; POST an update package as the body (administrators) → 201 <see cref="UpdatePackageView"/> once verified.</summary>
    public const string AgentUpdatePackages = AgentUpdates + "/packages";

    /// <summary>GET <see cref="AvailableUpdates"/>: the online feed's versions and what each server may move to.</summary>
    public const string AvailableAgentUpdates = AgentUpdates + "/available";

    /// <summary>GET, PUT <see cref="UpdateSettingsView"/>: the online update feed.</summary>
    public const string AgentUpdateSettings = Settings + "/agent-updates";

    /// <summary>GET <see cref="DrillView"/>: one drill and its report.</summary>
    public static string Drill(long id) => $"{Drills}/{id}";

    public static string User(int id) => $"{Users}/{id}";

    /// <summary>PUT <see cref="UserRoleRequest"/>.</summary>
    public static string UserRole(int id) => $"{User(id)}/role";

    /// <summary>PUT <see cref="PasswordResetRequest"/>: ends the user's sessions.</summary>
    public static string UserPassword(int id) => $"{User(id)}/password";

    public static string Group(int id) => $"{Groups}/{id}";

    public static string GroupProtection(int id) => $"{Group(id)}/protection";

    public static string Server(int id) => $"{Servers}/{id}";

    public static string ServerEnabled(int id) => $"{Server(id)}/enabled";

    /// <summary>POST a camera (id, name, stream URL): a recording server's own camera, added on its agent.</summary>
    public static string ServerCameras(string id) => $"{Servers}/{id}/cameras";

    public static string ServerCameras(int id) => ServerCameras(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>DELETE: the camera is removed from the recording server's agent; its recordings stay.</summary>
    public static string ServerCamera(int id, string camera) => $"{ServerCameras(id)}/{Uri.EscapeDataString(camera)}";

    /// <summary>PUT <see cref="AgentPasswordChange"/>: the server's agent admin password; the CMS pairs again with the new one.</summary>
    public static string AgentPassword(int id) => AgentPassword(id.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string AgentPassword(string id) => $"{Servers}/{id}/agent-password";

    /// <summary>POST: fail the recording server over now (manual failover).</summary>
    public static string ServerFailover(int id) => $"{Server(id)}/failover";

    /// <summary>POST: hand the cameras back to the recording server now (manual failback).</summary>
    public static string ServerFailback(int id) => $"{Server(id)}/failback";

    /// <summary>GET <see cref="FailoverView"/> of the server's open failover, with restore progress; DELETE stops the restoration (confirm).</summary>
    public static string ServerRestore(int id) => $"{Server(id)}/restore";

    /// <summary>POST <see cref="ReplaceRequest"/>: replace the protected server during its failover.</summary>
    public static string ServerReplace(int id) => $"{Server(id)}/replace";

    /// <summary>DELETE: clears a standby's failed takeover, so it counts as ready again.</summary>
    public static string ServerProtectionFailure(int id) => $"{Server(id)}/protection-failure";
}

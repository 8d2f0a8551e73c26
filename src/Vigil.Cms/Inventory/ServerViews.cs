using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Cms.Updates;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain;
using Vigil.Domain.Status;
using Vigil.Domain.Versions;

namespace Vigil.Cms.Inventory;

/// <summary>Servers as operators see them: stored facts, current health and the status derived from both.</summary>
internal sealed class ServerViews(
    CmsDbContext db, SettingsStore settings, HealthBoard board, FailoverLedger ledger, CameraSecrets cameraSecrets, UpdateViews updates, ClockBoard clocks,
    CmsSelfHealth self)
{
    public const string UnknownStatusRule = "server.unknown-status";

    /// <summary>Every status string, recording servers' first, in the seeds' order.</summary>
    public static IReadOnlyList<string> RecordingStatuses { get; } =
        Enum.GetValues<RecordingStatus>().Select(s => ServerStatus.Of(s, string.Empty).Code).ToList();

    public static IReadOnlyList<string> StandbyStatuses { get; } =
        Enum.GetValues<StandbyStatus>().Select(s => ServerStatus.Of(s, string.Empty).Code).ToList();

    public async Task<ServerList> ListAsync(string? status, ServerRoleName? role, int? group, CancellationToken cancellationToken)
    {
        if (status is not null && !RecordingStatuses.Contains(status) && !StandbyStatuses.Contains(status))
        {
            throw new RefusedException(UnknownStatusRule,
                $"'{status}' is not a status; use one of {string.Join(", ", RecordingStatuses.Concat(StandbyStatuses).Distinct())}.");
        }

        var views = await AllAsync(cancellationToken).ConfigureAwait(false);
        return new ServerList(views
            .Where(v => status is null || v.Status.Code == status)
            .Where(v => role is null || v.Role == role)
            .Where(v => group is null || v.GroupId == group)
            .ToList());
    }

    public async Task<ServerView?> FindAsync(int id, CancellationToken cancellationToken) =>
        (await AllAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(v => v.Id == id);

    /// <summary>
    /// The count of servers in each status, derived as for the views but without building them: at 10 000 servers a view
    /// each (every camera URL decrypted to be masked) was most of the cost of a status that only counts.
    /// </summary>
    public async Task<StatusSummary> SummaryAsync(CancellationToken cancellationToken)
    {
        var (rows, _, statuses) = await DeriveAsync(cancellationToken).ConfigureAwait(false);
        return Summarize(rows.Select(r => (AgentInventory.RoleNameOf(r), statuses[new ServerId(r.Id)].Code)).ToList());
    }

    /// <summary>Every server, and the count in each status, from one read of the inventory.</summary>
    public async Task<(IReadOnlyList<ServerView> Servers, StatusSummary Summary)> EverythingAsync(CancellationToken cancellationToken)
    {
        var views = await AllAsync(cancellationToken).ConfigureAwait(false);
        return (views, Summarize(views.Select(v => (v.Role, v.Status.Code)).ToList()));
    }

    private StatusSummary Summarize(List<(ServerRoleName Role, string Code)> servers) => new(
        Count(servers.Where(s => s.Role == ServerRoleName.Recording).Select(s => s.Code), RecordingStatuses),
        Count(servers.Where(s => s.Role == ServerRoleName.Standby).Select(s => s.Code), StandbyStatuses),
        servers.Count,
        self.Condition);

    private static Dictionary<string, int> Count(IEnumerable<string> codes, IReadOnlyList<string> statuses)
    {
        var counts = statuses.ToDictionary(s => s, _ => 0, StringComparer.Ordinal);
        foreach (var code in codes)
        {
            counts[code]++;
        }

        return counts;
    }

    private async Task<List<ServerView>> AllAsync(CancellationToken cancellationToken)
    {
        var (rows, groups, statuses) = await DeriveAsync(cancellationToken).ConfigureAwait(false);
        var latest = await updates.LatestAsync(cancellationToken).ConfigureAwait(false);
        var foreign = await ForeignFootageAsync(rows, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => ToView(r, r.GroupId is { } g ? groups.GetValueOrDefault(g) : null, statuses[new ServerId(r.Id)], latest.GetValueOrDefault(r.Id),
            foreign.GetValueOrDefault(r.Id))).ToList();
    }

    /// <summary>
    /// Per server, the footage keys it records cameras under that no episode of this database gave out: a failover that
    /// another CMS database commanded, most often the one this database was restored from a backup of. This CMS never
    /// touches that footage (its keys name its own leader terms), so the operator is told, not left to find a standby
    /// busy for no failover it shows.
    /// </summary>
    private async Task<Dictionary<int, List<string>>> ForeignFootageAsync(List<ServerRow> rows, CancellationToken cancellationToken)
    {
        var open = ledger.Open.Select(e => e.FootageKey).ToHashSet(StringComparer.Ordinal);
        var unknown = rows
            .SelectMany(r => board.CamerasOf(r.Id).Select(c => (Server: r.Id, Key: c.Owner)))
            .Where(o => o.Key != AgentRoutes.OwnRecordings && !open.Contains(o.Key))
            .Distinct()
            .ToList();
        if (unknown.Count == 0)
        {
            return [];
        }

        var ids = unknown.Select(o => EpisodeRecords.EpisodeIdOf(o.Key)).OfType<long>().Distinct().ToList();
        var known = (await db.Episodes.AsNoTracking().Where(e => ids.Contains(e.Id)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Select(EpisodeRecords.FootageKey)
            .ToHashSet(StringComparer.Ordinal);
        return unknown.Where(o => !known.Contains(o.Key)).GroupBy(o => o.Server).ToDictionary(g => g.Key, g => g.Select(o => o.Key).ToList());
    }

    /// <summary>Every server row in list order, the groups by id, and each server's derived status, from one read of the inventory.</summary>
    private async Task<(List<ServerRow> Rows, Dictionary<int, GroupRow> Groups, Dictionary<ServerId, ServerStatus> Statuses)> DeriveAsync(CancellationToken cancellationToken)
    {
        var groups = await db.Groups.AsNoTracking().ToDictionaryAsync(g => g.Id, cancellationToken).ConfigureAwait(false);
        var rows = await db.Servers.AsNoTracking().OrderBy(s => s.GroupId).ThenBy(s => s.Role).ThenBy(s => s.Priority).ThenBy(s => s.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        var derivation = new StatusDerivation(VigilVersion.Current, settings.Failover);
        var health = rows.ToDictionary(r => new ServerId(r.Id), r => board.HealthOf(r.Id));
        var openByGroup = ledger.Open.ToLookup(e => e.Group.Value);
        var statuses = new Dictionary<ServerId, ServerStatus>();
        foreach (var members in rows.GroupBy(r => r.GroupId))
        {
            var group = members.Key is { } id ? groups.GetValueOrDefault(id) : null;
            var snapshot = new GroupSnapshot(
                group is null ? null : AgentInventory.ToDomain(group),
                members.Select(AgentInventory.ToDomain).ToList(),
                health,
                group is null ? [] : openByGroup[group.Id].ToList());
            foreach (var (serverId, status) in derivation.Derive(snapshot))
            {
                statuses[serverId] = status;
            }
        }

        return (rows, groups, statuses);
    }

    private ServerView ToView(ServerRow row, GroupRow? group, ServerStatus status, ServerUpdateView? update, List<string>? foreignFootage)
    {
        var (state, problem, since, lastProbe) = board.Describe(row.Id);
        var access = board.AccessProblemOf(row.Id);
        if (access is not null)
        {
            status = status with { Detail = $"{access} — {status.Detail}" };
        }

        if (foreignFootage is { Count: > 0 })
        {
            status = status with
            {
                Detail = $"{status.Detail} — it records cameras for a failover this CMS does not know ({string.Join(", ", foreignFootage)}), "
                    + "commanded by another CMS database; this CMS leaves that footage alone",
            };
        }

        return new ServerView(
            row.Id,
            row.Name,
            AgentInventory.RoleNameOf(row),
            row.Enabled,
            group?.Id,
            group?.Name,
            row.Priority,
            new ServerAddress(row.Host, row.Port, row.Https),
            row.CertificateFingerprint,
            new StatusView(status.Code, status.Label, status.Detail),
            new HealthView(state.ToString().ToLowerInvariant(), problem, since, lastProbe, access),
            row.Model,
            row.Serial,
            row.AgentVersion,
            row.LicenseChannels,
            AgentInventory.Spaces(row),
            cameraSecrets.Open(row).Select(c => c with { StreamUrl = StreamUrlMask.Mask(c.StreamUrl) }).ToList(),
            row.LastSyncedAt,
            board.CamerasOf(row.Id).Select(c => new CameraStateView(
                c.Owner, c.CameraId, c.State.ToString().ToLowerInvariant(), c.Problem is null ? null : StreamUrlMask.Mask(c.Problem), c.Note, c.LastSegmentEnd)).ToList(),
            clocks.ViewOf(row.Id),
            Compatibility(row.AgentVersion),
            update);
    }

    private static string Compatibility(string agentVersion) => Version.TryParse(agentVersion, out var version)
        ? VersionCompatibility.Code(VersionCompatibility.Of(version, VigilVersion.Current))
        : VersionCompatibility.Code(AgentCompatibility.Incompatible);
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Inventory;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Domain;
using Vigil.Domain.Drills;
using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;
using Vigil.Domain.Status;

namespace Vigil.Cms.Drills;

/// <summary>
/// Starts a drill: decides under the inventory lock whether it may run (<see cref="DrillAdmission"/>), then writes the
/// drill, its event and its manual failover (actor <see cref="DrillRunner.Actor"/>) in one transaction, so a drill never
/// exists without its failover nor a failover without its drill. The <see cref="DrillRunner"/> carries it on from there.
/// </summary>
internal sealed class DrillCommands(
    CmsDbContext db,
    InventoryLock inventoryLock,
    FailoverLedger ledger,
    HealthBoard board,
    SettingsStore settings,
    DrillSettingsStore drillSettings,
    DrillRunner runner,
    TimeProvider time)
{
    public const string ManualTrigger = "manual";
    public const string ScheduledTrigger = "scheduled";

    /// <summary>Starts a drill of <paramref name="serverId"/> asked for by <paramref name="requestedBy"/>; refused with the rule it breaks.</summary>
    public async Task<long> StartAsync(int serverId, string requestedBy, string trigger, CancellationToken cancellationToken)
    {
        DrillRow drill;
        EventRow request;
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            (drill, request) = await ledger.CommitAsync(db, async () =>
            {
                var startedAt = time.GetUtcNow();
                var row = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == serverId, cancellationToken).ConfigureAwait(false)
                    ?? throw new RefusedException(ServerService.Rules.NotFound, $"There is no server with id {serverId}.", StatusCodes.Status404NotFound);
                var inventory = await InventorySnapshot.ReadAsync(db, cancellationToken).ConfigureAwait(false);
                var server = inventory.Find(new ServerId(serverId))!;
                var group = inventory.GroupOf(server);
                var candidate = await CandidateAsync(inventory, server, group, cancellationToken).ConfigureAwait(false);
                RefusedException.ThrowIf(DrillAdmission.Decide(candidate), StatusCodes.Status409Conflict);

                var limits = drillSettings.Current;
                var added = new DrillRow
                {
                    ServerId = serverId, ServerName = row.Name, GroupId = group!.Id.Value, Trigger = trigger, Actor = requestedBy,
                    State = DrillState.Running.ToString(), Step = "failing over", StartedAt = startedAt,
                    HoldSeconds = limits.Hold.TotalSeconds, MaxTakeoverSeconds = limits.MaxTakeover.TotalSeconds, MaxGapSeconds = limits.MaxGap.TotalSeconds,
                    CamerasJson = "[]", ReasonsJson = "[]",
                };
                db.Drills.Add(added);
                var asked = EventLog.Operator(serverId, row.Name, "run drill", $"failover drill requested ({trigger})", requestedBy, startedAt);
                db.Events.Add(asked);
                var begun = await ledger.BeginAsync(db, server, group, FailoverOrigin.Manual, settings.Failover.AutomaticFailover, DrillRunner.Actor,
                    cancellationToken).ConfigureAwait(false);
                if (begun.Refusal is { } refusal)
                {
                    throw new RefusedException(refusal.Rule, refusal.Message, StatusCodes.Status409Conflict);
                }

                added.EpisodeId = begun.Episode.Id.Value;
                return (added, asked);
            }, cancellationToken).ConfigureAwait(false);
        }

        runner.Start(drill.Id, request.Id);
        return drill.Id;
    }

    /// <summary>Everything <see cref="DrillAdmission"/> decides on, read under the inventory lock.</summary>
    private async Task<DrillCandidate> CandidateAsync(InventorySnapshot inventory, ManagedServer server, FailoverGroup? group, CancellationToken cancellationToken)
    {
        var open = ledger.Open;
        var derivation = new StatusDerivation(VigilVersion.Current, settings.Failover);
        var status = inventory.Statuses(derivation, board, open).GetValueOrDefault(server.Id)?.Code ?? "not in a failover group";
        if (group is null)
        {
            return new DrillCandidate(server, status, false, false, 0, 0);
        }

        var members = inventory.Servers.Where(s => s.Group == group.Id).ToList();
        var health = members.ToDictionary(s => s.Id, s => board.HealthOf(s.Id.Value));
        var inGroup = open.Where(e => e.Group == group.Id).ToList();
        var ready = derivation.ReadyStandbys(new GroupSnapshot(group, members, health, inGroup)).Count;
        var running = DrillState.Running.ToString();
        var drilling = await db.Drills.AsNoTracking().AnyAsync(d => d.GroupId == group.Id.Value && d.State == running, cancellationToken).ConfigureAwait(false);
        var others = members.Count(s => s.Role == ServerRole.Recording && s.Enabled && s.Id != server.Id);
        return new DrillCandidate(server, status, inGroup.Count > 0, drilling, ready, others);
    }

    public static string Reasons(IEnumerable<string> reasons) => JsonSerializer.Serialize(reasons);
}

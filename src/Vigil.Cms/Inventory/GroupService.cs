using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Cms;
using Vigil.Domain.Failover;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>Failover groups: list, add, rename, delete, protection on or off, under the rules of <see cref="GroupRules"/>.</summary>
internal sealed class GroupService(
    CmsDbContext db, SettingsStore settings, InventoryLock inventoryLock, Sessions sessions, FailoverLedger ledger,
    TimeProvider time)
{
    public const string NotFoundRule = "group.not-found";
    public const string ConfirmationRule = "group.confirmation-required";

    public async Task<GroupList> ListAsync(CancellationToken cancellationToken)
    {
        var groups = await db.Groups.AsNoTracking().OrderBy(g => g.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var servers = await db.Servers.AsNoTracking().Select(s => new { s.GroupId, s.Role }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return new GroupList(groups.Select(g => new GroupView(g.Id, g.Name, g.ProtectionEnabled, g.IsDefault,
            servers.Count(s => s.GroupId == g.Id && s.Role != AgentInventory.StandbyRole),
            servers.Count(s => s.GroupId == g.Id && s.Role == AgentInventory.StandbyRole))).ToList());
    }

    public async Task<GroupView> GetAsync(int id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken).ConfigureAwait(false)).Groups.FirstOrDefault(g => g.Id == id) ?? throw NotFound(id);

    public async Task<GroupView> AddAsync(GroupRequest request, Caller caller, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            var existing = await AllAsync(cancellationToken).ConfigureAwait(false);
            RefusedException.ThrowIf(GroupRules.CanAdd(request.Name, existing, settings.Limits));
            var row = new GroupRow { Name = request.Name, ProtectionEnabled = true, CreatedAt = time.GetUtcNow() };
            db.Groups.Add(row);
            db.Events.Add(EventLog.Operator(null, string.Empty, "add group", request.Name, caller.UserName, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return await GetAsync(row.Id, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<GroupView> RenameAsync(int id, GroupRequest request, Caller caller, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
            var existing = await AllAsync(cancellationToken).ConfigureAwait(false);
            RefusedException.ThrowIf(GroupRules.CanRename(AgentInventory.ToDomain(row), request.Name, existing));
            db.Events.Add(EventLog.Operator(null, string.Empty, "rename group", $"'{row.Name}' is now '{request.Name}'", caller.UserName, time.GetUtcNow()));
            row.Name = request.Name;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<GroupView> SetProtectionAsync(int id, bool enabled, Caller caller, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
            row.ProtectionEnabled = enabled;
            db.Events.Add(EventLog.Operator(null, string.Empty, enabled ? "protection on" : "protection off", row.Name, caller.UserName, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        return await GetAsync(id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a group after the first admin re-authenticated (and, while takeovers are open in it, after
    /// a confirmed warning that they stop). Its servers stay managed, in no group, until they are put
    /// into another group or deleted.
    /// </summary>
    public async Task DeleteAsync(int id, Caller caller, bool confirmed, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                var row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
                RefusedException.ThrowIf(GroupRules.CanDelete(AgentInventory.ToDomain(row)), StatusCodes.Status409Conflict);
                var takeovers = ledger.Open.Where(e => e.Group.Value == id).ToList();
                if (takeovers.Count > 0 && !confirmed)
                {
                    throw new RefusedException(ConfirmationRule,
                        $"Deleting '{row.Name}' interrupts its {takeovers.Count} open takeover(s) at once: their standbys stop and their failover recordings are removed. Confirm to go on.",
                        StatusCodes.Status409Conflict);
                }

                await sessions.RequireReauthenticationAsync(caller, $"Deleting the group '{row.Name}'", cancellationToken).ConfigureAwait(false);
                foreach (var episode in takeovers)
                {
                    await ledger.ApplyAsync(db, episode.Id, new GroupDeleted(), caller.UserName, cancellationToken).ConfigureAwait(false);
                }

                var members = await db.Servers.Where(s => s.GroupId == id).ToListAsync(cancellationToken).ConfigureAwait(false);
                foreach (var member in members)
                {
                    member.GroupId = null;
                }

                db.Groups.Remove(row);
                db.Events.Add(EventLog.Operator(null, string.Empty, "delete group", row.Name, caller.UserName, time.GetUtcNow()));
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates "Failover Group 1" on first start.</summary>
    public static async Task EnsureDefaultAsync(CmsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!await db.Groups.AnyAsync(g => g.IsDefault, cancellationToken).ConfigureAwait(false))
        {
            db.Groups.Add(new GroupRow { Name = FailoverGroup.DefaultName, ProtectionEnabled = true, IsDefault = true, CreatedAt = time.GetUtcNow() });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<List<FailoverGroup>> AllAsync(CancellationToken cancellationToken) =>
        (await db.Groups.AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false)).Select(AgentInventory.ToDomain).ToList();

    private async Task<GroupRow> FindAsync(int id, CancellationToken cancellationToken) =>
        await db.Groups.FirstOrDefaultAsync(g => g.Id == id, cancellationToken).ConfigureAwait(false) ?? throw NotFound(id);

    private static RefusedException NotFound(int id) => new(NotFoundRule, $"There is no failover group with id {id}.", StatusCodes.Status404NotFound);
}

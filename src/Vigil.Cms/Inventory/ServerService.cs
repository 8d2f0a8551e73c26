using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Agents;
using Vigil.Cms.Failover;
using Vigil.Cms.Monitoring;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Domain.Inventory;
using Vigil.Domain.Naming;

namespace Vigil.Cms.Inventory;

/// <summary>Changes to managed servers: edit, enable or disable, delete, under <see cref="ServerChangeRules"/>.</summary>
internal sealed class ServerService(
    CmsDbContext db,
    SettingsStore settings,
    InventoryLock inventoryLock,
    Sessions sessions,
    SecretProtector secrets,
    CameraSecrets cameraSecrets,
    IAgentConnections agents,
    HealthBoard board,
    FailoverLedger ledger,
    LeaderEpochs epochs,
    CmsOptions options,
    TimeProvider time)
{
    public static class Rules
    {
        public const string NotFound = "server.not-found";
        public const string DifferentAgent = AgentContact.Rules.DifferentAgent;
    }

    public async Task EditAsync(int id, EditServerRequest request, bool confirmed, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ServerRow before;
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            before = await CheckEditAsync(id, request, confirmed, caller, cancellationToken).ConfigureAwait(false);
        }

        // The agent is reached outside the lock: a slow or absent agent never holds up the failover engine.
        var address = new ServerAddress(request.Host ?? before.Host, request.Port ?? before.Port, request.Https ?? before.Https);
        var moved = address != new ServerAddress(before.Host, before.Port, before.Https);
        var reached = request.Password is not null
            ? await PairAgainAsync(before, address, request.Password, request.Fingerprint, cancellationToken).ConfigureAwait(false)
            : moved ? await MoveAsync(before, address, request.Fingerprint, cancellationToken).ConfigureAwait(false) : null;

        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                await CheckEditAsync(id, request, confirmed, caller, cancellationToken).ConfigureAwait(false);
                var row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
                var name = row.Name;
                if (request.Name is { } newName)
                {
                    row.Name = ServerNames.Normalize(newName);
                }

                if (reached is not null)
                {
                    SetAddress(row, address);
                    row.CertificateFingerprint = reached.Fingerprint;
                    row.ProtectedCredential = reached.ProtectedCredential ?? row.ProtectedCredential;
                    AgentInventory.Apply(row, reached.Info, time.GetUtcNow(), cameraSecrets);
                }

                if (request.GroupId is { } groupId && groupId != row.GroupId)
                {
                    await JoinGroupAsync(row, groupId, cancellationToken).ConfigureAwait(false);
                }

                // Only once the edit is known to succeed does it stop a failover this standby is acting in (confirmed above).
                if (AgentInventory.RoleOf(row) == ServerRole.Standby)
                {
                    await ledger.StopAsync(db, ServerChangeRules.StoppedBy(AgentInventory.ToDomain(row), ledger.Open), caller.UserName, cancellationToken)
                        .ConfigureAwait(false);
                }

                db.Events.Add(EventLog.Operator(id, name, "edit server", Describe(request, row), caller.UserName, time.GetUtcNow()));
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task SetEnabledAsync(int id, bool enabled, bool confirmed, Caller caller, CancellationToken cancellationToken)
    {
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                var row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
                if (!enabled)
                {
                    RefusedException.ThrowIf(ServerChangeRules.CanDisable(AgentInventory.ToDomain(row), ledger.Open, confirmed), StatusCodes.Status409Conflict);
                    await RequireReauthenticationIfActingAsync(row, "Disabling", caller, cancellationToken).ConfigureAwait(false);

                    // A disabled acting standby's failover stops (confirmed above); a disabled recording server's goes on, or ends if
                    // no standby has taken it over yet (the failover engine sees to that).
                    if (AgentInventory.RoleOf(row) == ServerRole.Standby)
                    {
                        await ledger.StopAsync(db, ServerChangeRules.StoppedBy(AgentInventory.ToDomain(row), ledger.Open), caller.UserName, cancellationToken)
                            .ConfigureAwait(false);
                    }
                }
                else
                {
                    // Enabling again is how an operator says a standby's failed takeover is dealt with.
                    row.ProtectionFailedFor = null;
                    row.ProtectionFailureReason = null;
                    row.ProtectionFailedAt = null;
                }

                row.Enabled = enabled;
                db.Events.Add(EventLog.Operator(id, row.Name, enabled ? "enable server" : "disable server", string.Empty, caller.UserName, time.GetUtcNow()));
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Deletes a server; a standby only after the first admin re-authenticated. A failover it stops (confirmed)
    /// is stopped first; an acting standby's footage of it is then discarded outside the lock while the CMS can
    /// still reach it, and only then does its row go.
    /// </summary>
    public async Task DeleteAsync(int id, Caller caller, bool confirmed, CancellationToken cancellationToken)
    {
        IReadOnlyList<Domain.Failover.FailoverEpisode> stopped;
        ServerRow removed;
        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            (removed, stopped) = await ledger.CommitAsync(db, async () =>
            {
                var row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
                var server = AgentInventory.ToDomain(row);
                RefusedException.ThrowIf(ServerChangeRules.CanRemove(server, ledger.Open, confirmed), StatusCodes.Status409Conflict);
                if (server.Role == ServerRole.Standby)
                {
                    await sessions.RequireReauthenticationAsync(caller, $"Removing the standby server '{row.Name}'", cancellationToken).ConfigureAwait(false);
                }
                else if (ServerChangeRules.StoppedBy(server, ledger.Open).Count > 0)
                {
                    // It ends the failover and discards the standby's recordings of it.
                    await sessions.RequireReauthenticationAsync(caller, $"Removing '{row.Name}' during its failover", cancellationToken).ConfigureAwait(false);
                }

                return (row, await ledger.StopAsync(db, ServerChangeRules.StoppedBy(server, ledger.Open), caller.UserName, cancellationToken).ConfigureAwait(false));
            }, cancellationToken).ConfigureAwait(false);
        }

        if (AgentInventory.RoleOf(removed) == ServerRole.Standby && stopped.Count > 0)
        {
            // Once removed the CMS can no longer reach it: its failover footage (discarded, as confirmed) goes now, if it answers.
            var epoch = await epochs.CurrentAsync(db, cancellationToken).ConfigureAwait(false);
            foreach (var episode in stopped)
            {
                await FailoverSteps.DiscardFootageFromAsync(agents.For(removed), episode, epoch, cancellationToken).ConfigureAwait(false);
            }
        }

        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            await ledger.CommitAsync(db, async () =>
            {
                // The failovers stopped above are being discarded as confirmed; anything else that appeared meanwhile still counts.
                var row = await FindAsync(id, cancellationToken).ConfigureAwait(false);
                var others = ledger.Open.Where(e => stopped.All(s => s.Id != e.Id)).ToList();
                RefusedException.ThrowIf(ServerChangeRules.CanRemove(AgentInventory.ToDomain(row), others, confirmed), StatusCodes.Status409Conflict);
                db.Servers.Remove(row);
                db.Events.Add(EventLog.Operator(id, row.Name, "delete server", $"{row.Role} server at {row.Host}:{row.Port}", caller.UserName, time.GetUtcNow()));
            }, cancellationToken).ConfigureAwait(false);
        }

        await RevokeCredentialAsync(removed, caller, cancellationToken).ConfigureAwait(false);
        agents.Forget(id);
        board.Forget(id);
    }

    /// <summary>
    /// A deleted server's agent is told to end the CMS's credential, so a copy of it (a stolen database and key ring)
    /// opens nothing. An agent that cannot be reached keeps it valid; the event says so, and pairing it again replaces it.
    /// </summary>
    private async Task RevokeCredentialAsync(ServerRow removed, Caller caller, CancellationToken cancellationToken)
    {
        string outcome;
        try
        {
            await agents.For(removed).RevokeCredentialAsync(cancellationToken).ConfigureAwait(false);
            outcome = "the agent ended the CMS's credential";
        }
        catch (AgentCallException e)
        {
            outcome = $"the agent could not end the CMS's credential ({e.Message}); the CMS no longer keeps it, and pairing the agent again replaces it";
        }

        db.Events.Add(EventLog.Operator(removed.Id, removed.Name, "revoke credential", outcome, caller.UserName, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The rules an edit must pass, checked before the agent is reached and again before it is committed.</summary>
    private async Task<ServerRow> CheckEditAsync(int id, EditServerRequest request, bool confirmed, Caller caller, CancellationToken cancellationToken)
    {
        var row = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(Rules.NotFound, $"There is no server with id {id}.", StatusCodes.Status404NotFound);
        RefusedException.ThrowIf(ServerChangeRules.CanEdit(AgentInventory.ToDomain(row), ledger.Open, confirmed), StatusCodes.Status409Conflict);
        await RequireReauthenticationIfActingAsync(row, "Editing", caller, cancellationToken).ConfigureAwait(false);
        if (request.Name is { } name)
        {
            var others = await db.Servers.AsNoTracking().Where(s => s.Id != id).Select(s => s.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
            RefusedException.ThrowIf(ServerNames.Validate(ServerNames.Normalize(name), others));
        }

        return row;
    }

    /// <summary>
    /// A new admin password: reach the agent with it, over the pinned certificate or a newly confirmed one, and pair again
    /// (the agent then drops the credential it gave this CMS before).
    /// </summary>
    private async Task<ReachedAgent> PairAgainAsync(ServerRow row, ServerAddress address, string password, string? fingerprint, CancellationToken cancellationToken)
    {
        var sighting = await AgentSighting.TakeOfAsync(row, address, options.InsecureHttp, cancellationToken).ConfigureAwait(false);
        using var contact = await AgentContact.ReachAsync(sighting, password, fingerprint ?? AgentSighting.Pinned(row, address), cancellationToken).ConfigureAwait(false);
        var pairing = await contact.PairAsync(options.Name, await CmsInstallation.IdAsync(db, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);
        return new ReachedAgent(contact.Info, contact.Fingerprint, secrets.Protect(pairing.Credential));
    }

    /// <summary>
    /// A new address without a password. Before the CMS's credential goes there, the agent must prove it is the same one:
    /// over https by presenting the pinned (or a newly confirmed) certificate, over plain HTTP by its serial.
    /// </summary>
    private async Task<ReachedAgent> MoveAsync(ServerRow row, ServerAddress address, string? fingerprint, CancellationToken cancellationToken)
    {
        var sighting = await AgentSighting.TakeOfAsync(row, address, options.InsecureHttp, cancellationToken).ConfigureAwait(false);
        var pinned = sighting.RequireTrusted(fingerprint ?? AgentSighting.Pinned(row, address));
        using var client = new AgentClient(new AgentEndpoint(address, pinned, secrets.Unprotect(row.ProtectedCredential)), AgentClients.CallTimeout);
        AgentInfo info;
        try
        {
            info = await client.InfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw AgentContact.Refusal(e);
        }

        RequireSameAgent(row, info);
        return new ReachedAgent(info, pinned, ProtectedCredential: null);
    }

    /// <summary>Editing or disabling a standby that acts in a failover stops it and discards its footage: the first admin confirms that.</summary>
    private async Task RequireReauthenticationIfActingAsync(ServerRow row, string action, Caller caller, CancellationToken cancellationToken)
    {
        var server = AgentInventory.ToDomain(row);
        if (server.Role == ServerRole.Standby && ServerChangeRules.StoppedBy(server, ledger.Open).Count > 0)
        {
            await sessions.RequireReauthenticationAsync(caller, $"{action} the standby server '{row.Name}' while it protects a recording server", cancellationToken)
                .ConfigureAwait(false);
        }
    }

    private async Task JoinGroupAsync(ServerRow row, int groupId, CancellationToken cancellationToken)
    {
        var target = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == groupId, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(GroupService.NotFoundRule, $"There is no failover group with id {groupId}.", StatusCodes.Status404NotFound);
        var current = row.GroupId is { } currentId
            ? await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.Id == currentId, cancellationToken).ConfigureAwait(false)
            : null;
        var members = await db.Servers.AsNoTracking().Where(s => s.GroupId == groupId).ToListAsync(cancellationToken).ConfigureAwait(false);
        var refusals = GroupMembership.Refusals(row.Name, AgentInventory.Report(row), AgentInventory.RoleOf(row),
            current is null ? null : AgentInventory.ToDomain(current), AgentInventory.ToDomain(target), members, joining: 1, settings.Limits);
        if (refusals.Count > 0)
        {
            throw new RefusedException(refusals[0]);
        }

        row.GroupId = groupId;
        row.Priority = members.Select(m => m.Priority).DefaultIfEmpty(0).Max() + 1;
    }

    private static void RequireSameAgent(ServerRow row, AgentInfo info)
    {
        if (!string.Equals(info.Serial, row.Serial, StringComparison.Ordinal))
        {
            throw new RefusedException(Rules.DifferentAgent,
                $"The agent at that address has serial {info.Serial}, but '{row.Name}' is serial {row.Serial}; add it as a new server instead.", StatusCodes.Status409Conflict);
        }
    }

    private static void SetAddress(ServerRow row, ServerAddress address)
    {
        row.Host = address.Host;
        row.Port = address.Port;
        row.Https = address.Https;
    }

    private async Task<ServerRow> FindAsync(int id, CancellationToken cancellationToken) =>
        await db.Servers.FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false)
        ?? throw new RefusedException(Rules.NotFound, $"There is no server with id {id}.", StatusCodes.Status404NotFound);

    /// <summary>What reaching the agent at a new address (or with its password) found: written to the row on commit.</summary>
    private sealed record ReachedAgent(AgentInfo Info, string? Fingerprint, string? ProtectedCredential);

    private static string Describe(EditServerRequest request, ServerRow row)
    {
        var changes = new List<string>();
        if (request.Name is not null)
        {
            changes.Add($"name {row.Name}");
        }

        if (request.Host is not null || request.Port is not null || request.Https is not null)
        {
            changes.Add($"address {row.Host}:{row.Port}{(row.Https ? " (https)" : string.Empty)}");
        }

        if (request.Password is not null)
        {
            changes.Add("paired again");
        }

        if (request.GroupId is not null)
        {
            changes.Add($"group {row.GroupId}");
        }

        return string.Join(", ", changes);
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Agents;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Domain;
using Vigil.Domain.Inventory;

namespace Vigil.Cms.Inventory;

/// <summary>
/// Adds and removes a recording server's own cameras through the CMS. The agent is told first, outside the inventory
/// lock, over its pinned certificate and credential (it checks the camera again and starts or stops recording it);
/// then its report is copied in one transaction with the event, so the stored cameras, which a standby is given at
/// takeover, are the agent's own. Not while a failover protects the server: the standby records the list it was given.
/// </summary>
internal sealed class ServerCameras(
    CmsDbContext db, InventoryLock inventoryLock, IAgentConnections agents, FailoverLedger ledger, CameraSecrets cameraSecrets, TimeProvider time)
{
    public static class Rules
    {
        public const string InvalidCamera = "camera.invalid";
        public const string DuplicateId = "camera.duplicate-id";
        public const string NotFound = "camera.not-found";
        public const string StandbyHasNoCameras = "server.standby-has-no-cameras";
    }

    public async Task AddAsync(int id, CameraConfig camera, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(camera);
        ArgumentNullException.ThrowIfNull(caller);
        var row = await ChangeableAsync(id, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(camera.Id) || string.IsNullOrWhiteSpace(camera.Name))
        {
            throw new RefusedException(Rules.InvalidCamera, "A camera needs an id and a name.");
        }

        if (CameraSource.Parse(camera.StreamUrl, out var problem) is null)
        {
            throw new RefusedException(Rules.InvalidCamera, $"'{StreamUrlMask.Mask(camera.StreamUrl)}' is not a camera stream: {problem}.");
        }

        if (AgentInventory.StoredCameras(row).Any(c => c.Id == camera.Id))
        {
            throw new RefusedException(Rules.DuplicateId, $"'{row.Name}' has a camera '{camera.Id}' already.", StatusCodes.Status409Conflict);
        }

        await ApplyAsync(row, client => client.AddCameraAsync(camera, cancellationToken), "add camera",
            $"camera '{camera.Id}' ({StreamUrlMask.Mask(camera.StreamUrl)}) added", caller, cancellationToken).ConfigureAwait(false);
    }

    public async Task RemoveAsync(int id, string cameraId, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var row = await ChangeableAsync(id, cancellationToken).ConfigureAwait(false);
        if (!AgentInventory.StoredCameras(row).Any(c => c.Id == cameraId))
        {
            throw new RefusedException(Rules.NotFound, $"'{row.Name}' has no camera '{cameraId}'.", StatusCodes.Status404NotFound);
        }

        await ApplyAsync(row, client => client.RemoveCameraAsync(cameraId, cancellationToken), "remove camera",
            $"camera '{cameraId}' removed; its recordings stay on the server", caller, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ServerRow> ChangeableAsync(int id, CancellationToken cancellationToken)
    {
        var row = await db.Servers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false)
            ?? throw new RefusedException(ServerService.Rules.NotFound, $"There is no server with id {id}.", StatusCodes.Status404NotFound);
        if (AgentInventory.RoleOf(row) != ServerRole.Recording)
        {
            throw new RefusedException(Rules.StandbyHasNoCameras,
                $"'{row.Name}' is a standby: it records only the cameras of the servers it protects.", StatusCodes.Status409Conflict);
        }

        if (ledger.OpenFor(new ServerId(id)) is not null)
        {
            throw new RefusedException(ServerChangeRules.Rules.ProtectedDuringFailover,
                $"'{row.Name}' is protected by a failover now; its cameras cannot change until the failover ends.", StatusCodes.Status409Conflict);
        }

        return row;
    }

    private async Task ApplyAsync(ServerRow row, Func<IAgentApi, Task> change, string action, string detail, Caller caller, CancellationToken cancellationToken)
    {
        AgentInfo info;
        var client = agents.For(row);
        try
        {
            await change(client).ConfigureAwait(false);
            info = await client.InfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AgentCallException e)
        {
            throw AgentContact.Refusal(e);
        }

        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            var current = await db.Servers.FirstOrDefaultAsync(s => s.Id == row.Id, cancellationToken).ConfigureAwait(false)
                ?? throw new RefusedException(ServerService.Rules.NotFound, $"There is no server with id {row.Id}.", StatusCodes.Status404NotFound);
            var now = time.GetUtcNow();
            AgentInventory.Apply(current, info, now, cameraSecrets);
            db.Events.Add(EventLog.Operator(current.Id, current.Name, action, detail, caller.UserName, now));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

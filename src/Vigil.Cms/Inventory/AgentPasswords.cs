using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Failover;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Inventory;

/// <summary>
/// Changes a managed agent's own admin password through the CMS. The agent ends every credential it issued under the
/// old password, so the CMS pairs again at once with the new one; the CMS never keeps either password.
/// </summary>
internal sealed class AgentPasswords(CmsDbContext db, InventoryLock inventoryLock, SecretProtector secrets, CmsOptions options, TimeProvider time)
{
    public const int MinLength = 8;
    public const string TooShort = "server.agent-password-too-short";

    public async Task ChangeAsync(int id, AgentPasswordChange change, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(caller);
        if (string.IsNullOrEmpty(change.NewPassword) || change.NewPassword.Length is < MinLength or > AgentContact.MaxPasswordLength)
        {
            throw new RefusedException(TooShort, $"The agent's new admin password needs {MinLength} to {AgentContact.MaxPasswordLength} characters.");
        }

        var row = await FindAsync(id, tracked: false, cancellationToken).ConfigureAwait(false);
        var address = new ServerAddress(row.Host, row.Port, row.Https);

        // Outside the inventory lock: the agent is reached over the pinned certificate, with the current password.
        var sighting = await AgentSighting.TakeOfAsync(row, address, options.InsecureHttp, cancellationToken).ConfigureAwait(false);
        PairingResponse pairing;
        using (var contact = await AgentContact.ReachAsync(sighting, change.CurrentPassword, row.CertificateFingerprint, cancellationToken).ConfigureAwait(false))
        {
            await contact.ChangeAdminPasswordAsync(change.NewPassword, cancellationToken).ConfigureAwait(false);
            pairing = await contact.PairWithAsync(change.NewPassword, options.Name, await CmsInstallation.IdAsync(db, cancellationToken).ConfigureAwait(false), cancellationToken)
                .ConfigureAwait(false);
        }

        using (await inventoryLock.AcquireAsync(cancellationToken).ConfigureAwait(false))
        {
            var current = await FindAsync(id, tracked: true, cancellationToken).ConfigureAwait(false);
            current.ProtectedCredential = secrets.Protect(pairing.Credential);
            db.Events.Add(EventLog.Operator(id, current.Name, "change agent password",
                "the agent's admin password was changed; its older credentials ended and the CMS paired again", caller.UserName, time.GetUtcNow()));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ServerRow> FindAsync(int id, bool tracked, CancellationToken cancellationToken) =>
        await (tracked ? db.Servers : db.Servers.AsNoTracking()).FirstOrDefaultAsync(s => s.Id == id, cancellationToken).ConfigureAwait(false)
        ?? throw new RefusedException(ServerService.Rules.NotFound, $"There is no server with id {id}.", StatusCodes.Status404NotFound);
}

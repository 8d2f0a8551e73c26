using Microsoft.AspNetCore.Hosting.Server;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Leadership;

/// <summary>The hosts view: from the lease table on PostgreSQL; on SQLite, this lone host, leading since it started.</summary>
internal sealed class CmsHosts(HostLeadership leadership, IServer server, TimeProvider time, ILeaseStore? store = null)
{
    public async Task<CmsHostsView> ViewAsync(CancellationToken cancellationToken)
    {
        var me = leadership.Me;
        if (store is null)
        {
            var address = HostAddress.Listening(server);
            var since = leadership.Term?.Grant.Since ?? time.GetUtcNow();
            return new CmsHostsView(leadership.Mode, me.HostId, new CmsLeaderView(me.HostId, me.Name, address, 0, leadership.Term?.Grant.Term ?? 0, since, ExpiresAt: null, me.Fingerprint),
                [new CmsHostView(me.HostId, me.Name, address, since, time.GetUtcNow(), Leads: true)]);
        }

        var (leader, hosts) = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new CmsHostsView(leadership.Mode, me.HostId, leader, hosts);
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Leadership;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

internal static class HostEndpoints
{
    public static void Map(RouteGroupBuilder secured) =>
        secured.MapGet(CmsRoutes.Hosts, (CmsHosts hosts, CancellationToken ct) => hosts.ViewAsync(ct))
            .WithSummary("Which CMS host leads, since when, and each host's last report; a standby host answers it too.");
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Discovery;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

/// <summary>
/// The search for servers on the LAN. For administrators only, like adding: it sends traffic on the site's network and
/// lists machines that are not (yet) managed, which is reconnaissance a viewer has no need for.
/// </summary>
internal static class ServerSearchEndpoints
{
    public static void Map(RouteGroupBuilder administrators) =>
        administrators.MapPost(CmsRoutes.ServerSearch, (ServerSearchRequest? request, ServerSearch search, CancellationToken ct) =>
                search.SearchAsync(request, ct))
            .WithSummary("Searches the LAN for agents now: each one found with its address, certificate fingerprint, compatibility and who manages it.");
}

using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

internal static class ServerCameraEndpoints
{
    public static void Map(RouteGroupBuilder changes)
    {
        changes.MapPost(CmsRoutes.ServerCameras("{id:int}"), async (int id, CameraConfig camera, ClaimsPrincipal user, ServerCameras cameras, ServerViews views, CancellationToken ct) =>
        {
            await cameras.AddAsync(id, camera, Caller.From(user), ct).ConfigureAwait(false);
            return Results.Created(CmsRoutes.ServerCamera(id, camera.Id), await views.FindAsync(id, ct).ConfigureAwait(false));
        }).WithSummary("Adds a camera to a recording server: its agent records it from now on (rtsp://, http:// or https://; #transport=udp for RTSP over UDP).");
        changes.MapDelete(CmsRoutes.ServerCameras("{id:int}") + "/{camera}", async (int id, string camera, ClaimsPrincipal user, ServerCameras cameras, CancellationToken ct) =>
        {
            await cameras.RemoveAsync(id, camera, Caller.From(user), ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithSummary("Removes a camera from a recording server; what it recorded stays.");
    }
}

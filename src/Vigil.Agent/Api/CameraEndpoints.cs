using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Recording;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>The agent's own cameras: list, add, edit, remove. Their recordings stay when a camera is removed.</summary>
internal static class CameraEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        secured.MapGet(AgentRoutes.Cameras, (CameraStore cameras) => cameras.List(AgentRoutes.OwnRecordings));
        secured.MapGet(AgentRoutes.Cameras + "/{id}", (string id, CameraStore cameras) =>
            cameras.Find(AgentRoutes.OwnRecordings, id) is { } camera ? Results.Ok(camera) : NoSuchCamera(id));
        secured.MapPost(AgentRoutes.Cameras, Add);
        secured.MapPut(AgentRoutes.Cameras + "/{id}", Edit);
        secured.MapDelete(AgentRoutes.Cameras + "/{id}", Remove);
    }

    private static IResult Add(CameraConfig? camera, CameraStore cameras, RecorderSupervisor recorders)
    {
        if (AgentValidation.Check(camera) is { } broken)
        {
            return Problems.Refuse(broken.Rule, broken.Message);
        }

        if (cameras.Find(AgentRoutes.OwnRecordings, camera!.Id) is not null)
        {
            return Problems.Conflict("camera.duplicate-id", $"A camera with id '{camera.Id}' exists already.");
        }

        cameras.Put(AgentRoutes.OwnRecordings, camera);
        recorders.Changed();
        return Results.Created(AgentRoutes.Camera(camera.Id), camera);
    }

    private static IResult Edit(string id, CameraConfig? camera, CameraStore cameras, RecorderSupervisor recorders)
    {
        if (AgentValidation.Check(camera) is { } broken)
        {
            return Problems.Refuse(broken.Rule, broken.Message);
        }

        if (camera!.Id != id)
        {
            return Problems.Refuse("camera.id-mismatch", $"The camera in the body has id '{camera.Id}', the URL names '{id}'.");
        }

        if (cameras.Find(AgentRoutes.OwnRecordings, id) is null)
        {
            return NoSuchCamera(id);
        }

        cameras.Put(AgentRoutes.OwnRecordings, camera);
        recorders.Changed();
        return Results.Ok(camera);
    }

    private static IResult Remove(string id, CameraStore cameras, RecorderSupervisor recorders)
    {
        if (!cameras.Remove(AgentRoutes.OwnRecordings, id))
        {
            return NoSuchCamera(id);
        }

        recorders.Changed();
        return Results.NoContent();
    }

    private static IResult NoSuchCamera(string id) => Problems.NotFound("camera.not-found", $"There is no camera '{id}' on this server.");
}

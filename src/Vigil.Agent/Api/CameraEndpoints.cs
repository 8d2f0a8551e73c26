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

    private static IResult Add(CameraConfig? camera, HttpContext context, CameraStore cameras, RecorderSupervisor recorders, AuditLog audit)
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
        audit.Record(context, "camera.add", Describe(camera));
        return Results.Created(AgentRoutes.Camera(camera.Id), camera);
    }

    private static IResult Edit(string id, CameraConfig? camera, HttpContext context, CameraStore cameras, RecorderSupervisor recorders, AuditLog audit)
    {
        if (AgentValidation.Check(camera) is { } broken)
        {
            return Problems.Refuse(broken.Rule, broken.Message);
        }

        if (camera!.Id != id)
        {
            return Problems.Refuse("camera.id-mismatch", $"The camera in the body has id '{camera.Id}', the URL names '{id}'.");
        }

        if (cameras.Find(AgentRoutes.OwnRecordings, id) is not { } before)
        {
            return NoSuchCamera(id);
        }

        cameras.Put(AgentRoutes.OwnRecordings, camera);
        recorders.Changed();
        audit.Record(context, "camera.edit", $"{Describe(camera)}; was {Describe(before)}");
        return Results.Ok(camera);
    }

    private static IResult Remove(string id, HttpContext context, CameraStore cameras, RecorderSupervisor recorders, AuditLog audit)
    {
        var before = cameras.Find(AgentRoutes.OwnRecordings, id);
        if (before is null || !cameras.Remove(AgentRoutes.OwnRecordings, id))
        {
            return NoSuchCamera(id);
        }

        recorders.Changed();
        audit.Record(context, "camera.delete", Describe(before));
        return Results.NoContent();
    }

    /// <summary>Everything an audit reader needs to undo the change; the URL's password is masked when recorded.</summary>
    private static string Describe(CameraConfig camera) =>
        $"camera '{camera.Id}' ('{camera.Name}', {camera.StreamUrl}, recording {(camera.Recording ? "on" : "off")}, retention {camera.RetentionHours} h)";

    private static IResult NoSuchCamera(string id) => Problems.NotFound("camera.not-found", $"There is no camera '{id}' on this server.");
}

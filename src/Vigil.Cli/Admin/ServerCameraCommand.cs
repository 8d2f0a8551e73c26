using System.CommandLine;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;

namespace Vigil.Cli.Admin;

/// <summary><c>vigil server camera add|remove</c>: a recording server's own cameras, changed on its agent through the CMS.</summary>
internal static class ServerCameraCommand
{
    public static Command Create()
    {
        var command = new Command("camera", "A recording server's own cameras (RTSP or MPEG-TS over HTTP)");
        command.Subcommands.Add(Add());
        command.Subcommands.Add(Remove());
        return command;
    }

    private static Command Add()
    {
        var server = new Argument<string>("SERVER") { Description = "Name or id of the recording server" };
        var id = new Argument<string>("ID") { Description = "The camera's id: letters, digits, '.', '_' or '-'" };
        var url = new Argument<string>("URL") { Description = "rtsp://user:password@host/path (read over TCP; add #transport=udp for UDP), or http(s):// MPEG-TS" };
        var name = new Option<string?>("--name") { Description = "A name to show (the id when left out)" };
        var retention = new Option<int>("--retention-hours") { Description = "Delete this camera's recordings older than this; 0 keeps them", DefaultValueFactory = _ => 0 };
        var command = new Command("add", "Add a camera to a recording server: its agent records it from now on") { server, id, url, name, retention };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            var cameraId = result.GetValue(id)!;
            var camera = new CameraConfig(cameraId, result.GetValue(name) ?? cameraId, result.GetValue(url)!, Recording: true, RetentionHours: result.GetValue(retention));
            await client.SendAsync<ServerView>(HttpMethod.Post, CmsRoutes.ServerCameras(target.Id), camera).ConfigureAwait(false);
            Console.Out.WriteLine($"'{target.Name}' records camera '{cameraId}' ({StreamUrlMask.Mask(camera.StreamUrl)}).");
        });
        return command;
    }

    private static Command Remove()
    {
        var server = new Argument<string>("SERVER") { Description = "Name or id of the recording server" };
        var id = new Argument<string>("ID") { Description = "The camera's id" };
        var command = new Command("remove", "Stop recording a camera and remove it from the server; its recordings stay") { server, id };
        AdminAction.Set(command, async (result, client) =>
        {
            var target = await Lookup.ServerAsync(client, result.GetValue(server)!).ConfigureAwait(false);
            await client.SendAsync(HttpMethod.Delete, CmsRoutes.ServerCamera(target.Id, result.GetValue(id)!)).ConfigureAwait(false);
            Console.Out.WriteLine($"'{target.Name}' no longer records camera '{result.GetValue(id)}'; its recordings stay.");
        });
        return command;
    }
}

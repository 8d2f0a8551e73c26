using System.Net;
using Vigil.Cms.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Contracts.Cms;
using Vigil.Testing;
using Vigil.Testing.Rtsp;

namespace Vigil.Cms.Tests.Inventory;

/// <summary>A real RTSP camera added to a recording server through the CMS is recorded by its agent, shown masked, and removed again.</summary>
[Collection(CmsTestGroup.Name)]
public sealed class ServerCamerasTests() : FailoverSiteTests(cameras: 1)
{
    [Fact]
    public async Task An_rtsp_camera_added_through_the_cms_is_recorded_by_the_agent_and_removed_again()
    {
        await using var lobby = await RtspCamera.StartAsync(new RtspCameraSettings(User: "viewer", Password: "lobby-secret"));
        var recording = await Site.StartAgentAsync("rec", 1);
        var standby = await Site.StartAgentAsync("standby");
        var rec = await Site.AddAsync(recording, ServerRoleName.Recording);
        var sb = await Site.AddAsync(standby, ServerRoleName.Standby);

        using var added = await Cms.PostAsync(CmsRoutes.ServerCameras(rec.Id), new CameraConfig("lobby", "Lobby", lobby.Url + "#transport=udp"));

        added.StatusCode.ShouldBe(HttpStatusCode.Created);
        await Eventually.UntilAsync(() => Site.OwnSegments("rec", "lobby").Count >= 2, TimeSpan.FromSeconds(30), "the agent to record the new camera");
        var view = await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id));
        var shown = view.Cameras.Single(c => c.Id == "lobby");
        shown.StreamUrl.ShouldNotContain("lobby-secret");
        shown.StreamUrl.ShouldContain(StreamUrlMask.Hidden);
        shown.StreamUrl.ShouldEndWith("#transport=udp");
        (await Cms.GetAsync<EventList>(CmsRoutes.Events + $"?server={rec.Id}")).Events.ShouldContain(e => e.Reason.Contains("camera 'lobby'", StringComparison.Ordinal));

        await (await Cms.PostAsync(CmsRoutes.ServerCameras(rec.Id), new CameraConfig("lobby", "Again", lobby.Url)))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "camera.duplicate-id");
        await (await Cms.PostAsync(CmsRoutes.ServerCameras(rec.Id), new CameraConfig("disk", "Disk", "file:///etc/passwd")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "camera.invalid");
        await (await Cms.PostAsync(CmsRoutes.ServerCameras(rec.Id), new CameraConfig("odd", "Odd", lobby.Url + "#transport=multicast")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "camera.invalid");
        await (await Cms.PostAsync(CmsRoutes.ServerCameras(sb.Id), new CameraConfig("yard", "Yard", lobby.Url)))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "server.standby-has-no-cameras");

        using var removed = await Cms.DeleteAsync(CmsRoutes.ServerCamera(rec.Id, "lobby"));

        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await Cms.GetAsync<ServerView>(CmsRoutes.Server(rec.Id))).Cameras.Select(c => c.Id).ShouldBe(["cam-1"]);
        (await FailoverSite.InfoAsync(recording)).Cameras.Select(c => c.Id).ShouldBe(["cam-1"]);
        await Eventually.UntilAsync(() => ProcessSweep.Matching(Site.DataOf("rec"), "-segment_list", lobby.Url).Count == 0, TimeSpan.FromSeconds(20),
            "the agent to stop recording the removed camera");
        Site.OwnSegments("rec", "lobby").ShouldNotBeEmpty("what it recorded stays");
    }
}

using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Bench.Fleet;

/// <summary>
/// The agent API (<c>src/Vigil.Agent/Api</c>) as the CMS uses it, answered for whichever virtual server
/// owns the port a request arrived on: the same routes, status codes and problem rules as the real agent.
/// </summary>
internal static class VirtualAgentApi
{
    private static readonly object ServerKey = new();

    public static void Map(WebApplication app, Func<int, VirtualServer?> serverOnPort, string adminPassword)
    {
        app.Use(async (context, next) =>
        {
            var server = serverOnPort(context.Connection.LocalPort);
            if (server is not { IsAlive: true })
            {
                // A connection opened before the kill: the CMS sees it drop, as when the agent's process dies.
                context.Abort();
                return;
            }

            context.Items[ServerKey] = server;
            var path = context.Request.Path;
            if (path != AgentRoutes.Live && path != AgentRoutes.Identity && path != AgentRoutes.Pairing && !Authenticated(context.Request, server, adminPassword))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer, Basic realm=\"vigil agent\"";
                await Problems.Refuse("auth.required", "The credential or password is not valid.", StatusCodes.Status401Unauthorized)
                    .ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        app.MapGet(AgentRoutes.Live, () => Results.Ok(new { status = "live" }));
        app.MapPost(AgentRoutes.Pairing, (PairingRequest? request, HttpContext context) => Pair(request, Server(context), adminPassword));
        app.MapGet(AgentRoutes.Identity, (HttpContext context) => Server(context).Identity());
        app.MapGet(AgentRoutes.Info, (HttpContext context) => Server(context).Info());
        app.MapGet(AgentRoutes.Health, (HttpContext context) => Server(context).Health(DateTimeOffset.UtcNow));
        app.MapPut(AgentRoutes.License, (LicenseRequest? request, HttpContext context) => MoveLicenses(request, Server(context)));
        app.MapGet(AgentRoutes.Cameras, (HttpContext context) => Server(context).Cameras());
        app.MapPost(AgentRoutes.Cameras, (CameraConfig? camera, HttpContext context) => AddCamera(camera, Server(context)));
        app.MapDelete(AgentRoutes.Cameras + "/{id}", (string id, HttpContext context) => Server(context).RemoveCamera(id)
            ? Results.NoContent()
            : Problems.NotFound("camera.not-found", $"There is no camera '{id}' on this server."));
        app.MapGet(AgentRoutes.Takeovers, (HttpContext context) => Server(context).Takeovers());
        app.MapPut(AgentRoutes.Takeovers + "/{server}", (string server, TakeoverRequest? request, HttpContext context) =>
            TakeOver(server, request, Server(context)));
        app.MapDelete(AgentRoutes.Takeovers + "/{server}", (string server, long? epoch, HttpContext context) =>
            Fenced(server, epoch, e => Server(context).Release(server, e), Results.NoContent()));
        app.MapDelete(AgentRoutes.Takeovers + "/{server}/recordings", (string server, long? epoch, HttpContext context) =>
            Fenced(server, epoch, e => Server(context).DeleteFootage(server, e), Results.Ok(new { deleted = 0 })));
        // The cleanup after a failback: nothing was recorded, so nothing is deleted and nothing remains.
        app.MapPost(AgentRoutes.Takeovers + "/{server}/recordings/removal", (string server, FootageRemoval? removal, HttpContext context) =>
            removal is null
                ? Problems.Refuse("takeover.invalid-removal", "A removal needs the epoch and the SHA-256 of each recording confirmed home.")
                : Fenced(server, removal.Epoch, e => Server(context).DeleteFootage(server, e), Results.Ok(new FootageRemovalResult(0, 0))));

        // Nothing is recorded, so every catalog is empty and nothing can be downloaded.
        app.MapGet(AgentRoutes.Recordings, () => new RecordingList([]));
        app.MapGet(AgentRoutes.Recordings + "/{id:long}/content", (long id) =>
            Problems.NotFound("recording.not-found", $"There is no recording {id}."));
    }

    private static VirtualServer Server(HttpContext context) => (VirtualServer)context.Items[ServerKey]!;

    private static bool Authenticated(HttpRequest request, VirtualServer server, string adminPassword)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || string.IsNullOrEmpty(header.Parameter))
        {
            return false;
        }

        return header.Scheme.ToUpperInvariant() switch
        {
            "BEARER" => server.Accepts(header.Parameter),
            "BASIC" => IsAdmin(header.Parameter, adminPassword),
            _ => false,
        };
    }

    private static bool IsAdmin(string encoded, string adminPassword)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(encoded)) == $"admin:{adminPassword}";
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static IResult Pair(PairingRequest? request, VirtualServer server, string adminPassword)
    {
        if (request is null || string.IsNullOrWhiteSpace(request.CmsName) || request.CmsName.Length > 128)
        {
            return Problems.Refuse("pairing.invalid-request", "Pairing needs the agent's admin password and a CMS name of at most 128 characters.");
        }

        return request.Password == adminPassword
            ? Results.Ok(new PairingResponse(server.IssueCredential(), server.Serial, null))
            : Problems.Refuse("pairing.wrong-password", "The agent's admin password is not correct.", StatusCodes.Status401Unauthorized);
    }

    private static IResult MoveLicenses(LicenseRequest? request, VirtualServer server)
    {
        if (request is null || request.Channels is < 1 or > 4096)
        {
            return Problems.Refuse("license.invalid-channels", "License channels are 1 to 4096.");
        }

        server.MoveLicenses(request.Channels);
        return Results.NoContent();
    }

    private static IResult AddCamera(CameraConfig? camera, VirtualServer server)
    {
        if (camera is null || string.IsNullOrWhiteSpace(camera.Id))
        {
            return Problems.Refuse("camera.missing", "The request needs a camera.");
        }

        return server.AddCamera(camera)
            ? Results.Created(AgentRoutes.Camera(camera.Id), camera)
            : Problems.Conflict("camera.duplicate-id", $"A camera with id '{camera.Id}' exists already.");
    }

    private static IResult TakeOver(string key, TakeoverRequest? request, VirtualServer server)
    {
        if (request is null || request.Cameras is null || string.IsNullOrWhiteSpace(request.ProtectedServerName))
        {
            return Problems.Refuse("takeover.invalid-request", "A takeover needs an epoch, the protected server's name and its cameras.");
        }

        var (outcome, status, highest) = server.TakeOver(key, request, DateTimeOffset.UtcNow);
        return outcome == CommandOutcome.Done ? Results.Ok(status) : Refusal(outcome, request.Epoch, highest, key);
    }

    private static IResult Fenced(string key, long? epoch, Func<long, (CommandOutcome Outcome, long Highest)> command, IResult done)
    {
        if (epoch is null)
        {
            return Problems.Refuse("takeover.epoch-required", "This command needs the epoch it was issued under (?epoch=N).");
        }

        var (outcome, highest) = command(epoch.Value);
        return outcome == CommandOutcome.Done ? done : Refusal(outcome, epoch.Value, highest, key);
    }

    private static IResult Refusal(CommandOutcome outcome, long epoch, long highest, string key) => outcome switch
    {
        CommandOutcome.StaleEpoch => Problems.Conflict("takeover.stale-epoch", $"Epoch {epoch} is older than epoch {highest}, which this server has already obeyed."),
        CommandOutcome.NoEmptySpace => Problems.Refuse("takeover.no-empty-space",
            "This server has no empty recording space to record a protected server into.", StatusCodes.Status507InsufficientStorage),
        _ => Problems.Conflict("takeover.still-recording", $"This server still records for '{key}'; release the takeover first."),
    };
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Recording;
using Vigil.Agent.Security;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>Liveness, identity, info, health and license.</summary>
internal static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder secured)
    {
        app.MapGet(AgentRoutes.Live, () => Results.Ok(new { status = "live" }));
        app.MapGet(AgentRoutes.Identity, Identity);
        secured.MapGet(AgentRoutes.Info, Info);
        secured.MapGet(AgentRoutes.Health, Health);
        secured.MapPut(AgentRoutes.License, MoveLicenses).LockedWhileManaged();
    }

    private static IResult MoveLicenses(LicenseRequest? request, HttpContext context, AgentIdentity identity, AgentSettings settings, AuditLog audit)
    {
        if (request is null || request.Channels is < 1 or > 4096)
        {
            return Problems.Refuse("license.invalid-channels", "License channels are 1 to 4096.");
        }

        identity.MoveLicenses(settings, request.Channels);
        audit.Record(context, "license.move", $"license channels set to {request.Channels}");
        return Results.NoContent();
    }

    private static AgentIdentityView Identity(AgentIdentity identity) =>
        new(identity.Name, identity.Model, identity.Serial, VigilVersion.Current.ToString(), identity.CertificateFingerprint);

    private static AgentInfo Info(AgentIdentity identity, AgentOptions options, RecordingSpaces spaces, CameraStore cameras) =>
        new(identity.Name, identity.Model, identity.Serial, VigilVersion.Current.ToString(), identity.LicenseChannels, options.SegmentSeconds,
            identity.CertificateFingerprint, spaces.Describe(), cameras.List(AgentRoutes.OwnRecordings));

    private static AgentHealth Health(RecordingSpaces spaces, RecorderSupervisor recorders, TimeProvider time)
    {
        var spaceHealth = spaces.Check();
        var cameras = recorders.Recorders.Select(r => r.Health).OrderBy(c => c.Owner, StringComparer.Ordinal).ThenBy(c => c.CameraId, StringComparer.Ordinal).ToList();
        var spaceProblem = spaceHealth.FirstOrDefault(s => s.Problem is not null)?.Problem;
        var (outcome, problem) = (spaceProblem, recorders.ServiceProblem) switch
        {
            ({ } space, _) => (HealthOutcome.SpaceFailure, space),
            (_, { } service) => (HealthOutcome.RecordingServiceFailure, service),
            _ => (HealthOutcome.Ok, (string?)null),
        };
        return new AgentHealth(outcome, problem, time.GetUtcNow(), spaceHealth, cameras);
    }
}

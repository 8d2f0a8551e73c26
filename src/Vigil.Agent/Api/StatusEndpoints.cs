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

/// <summary>Liveness, pairing, info and health.</summary>
internal static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder secured)
    {
        app.MapGet(AgentRoutes.Live, () => Results.Ok(new { status = "live" }));
        app.MapPost(AgentRoutes.Pairing, Pair);
        secured.MapGet(AgentRoutes.Info, Info);
        secured.MapGet(AgentRoutes.Health, Health);
        secured.MapPut(AgentRoutes.License, MoveLicenses);
    }

    private static IResult MoveLicenses(LicenseRequest? request, AgentIdentity identity, AgentSettings settings)
    {
        if (request is null || request.Channels is < 1 or > 4096)
        {
            return Problems.Refuse("license.invalid-channels", "License channels are 1 to 4096.");
        }

        identity.MoveLicenses(settings, request.Channels);
        return Results.NoContent();
    }

    private static IResult Pair(PairingRequest? request, AgentSettings settings, CredentialStore credentials, AgentIdentity identity, PairingThrottle throttle)
    {
        if (throttle.RetryAfter() is { } wait && wait > TimeSpan.Zero)
        {
            return Problems.Refuse("pairing.too-many-failures",
                $"Too many wrong passwords; pairing is refused for another {Math.Ceiling(wait.TotalSeconds):0} s.", StatusCodes.Status429TooManyRequests);
        }

        if (request is null || string.IsNullOrWhiteSpace(request.CmsName) || request.CmsName.Length > 128)
        {
            return Problems.Refuse("pairing.invalid-request", "Pairing needs the agent's admin password and a CMS name of at most 128 characters.");
        }

        var hash = settings.Get(AgentSettings.AdminPasswordHash);
        if (hash is null || string.IsNullOrEmpty(request.Password) || !PasswordHashing.Verify(hash, request.Password))
        {
            throttle.RecordFailure();
            return Problems.Refuse("pairing.wrong-password", "The agent's admin password is not correct.", StatusCodes.Status401Unauthorized);
        }

        return Results.Ok(new PairingResponse(credentials.Issue(request.CmsName), identity.Serial, identity.CertificateFingerprint));
    }

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

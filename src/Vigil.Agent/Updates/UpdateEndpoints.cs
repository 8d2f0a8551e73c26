using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Agent.Api;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Hosting.Updates;

namespace Vigil.Agent.Updates;

/// <summary>
/// <c>GET</c> and <c>POST</c> <see cref="AgentRoutes.Update"/>: for the CMS's credential, or the admin password while no CMS manages the agent
/// (mapped behind the managed lock, like every other change to what the CMS manages).
/// </summary>
internal static class UpdateEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        secured.MapGet(AgentRoutes.Update, (UpdateInstaller installer) => installer.Status());
        secured.MapPost(AgentRoutes.Update, PostAsync);
    }

    private static async Task<IResult> PostAsync(
        HttpContext context, UpdateInstaller installer, UpdateRestart restart, IHostApplicationLifetime lifetime, AuditLog audit, ILogger<UpdateInstaller> logger)
    {
        var who = context.User.Identity?.Name ?? "anonymous";
        logger.Receiving(context.Request.ContentLength, who);
        if (context.Request.ContentLength > UpdateInstaller.MaxPackageBytes)
        {
            return Refuse(context, audit, new UpdatePackageException(UpdateRules.TooLarge, $"The package is larger than {UpdateInstaller.MaxPackageBytes} bytes."));
        }

        // Kestrel's default cap (30 MB) is for API calls; a package is bounded by the installer instead.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        AgentUpdateStatus status;
        try
        {
            status = await installer.InstallAsync(context.Request.Body, context.Request.Headers[AgentRoutes.UpdateKeysHeader], context.RequestAborted).ConfigureAwait(false);
        }
        catch (UpdatePackageException e)
        {
            return Refuse(context, audit, e);
        }

        audit.Record(context, "update.install", $"vigil {status.ToVersion} installed beside {status.FromVersion}; restarting into it");

        // Answered first, then the host stops and the process restarts into the new version (UpdateRestart).
        context.Response.OnCompleted(() =>
        {
            restart.RestartIntoCurrent();
            lifetime.StopApplication();
            return Task.CompletedTask;
        });
        return Results.Accepted(AgentRoutes.Update, status);
    }

    private static IResult Refuse(HttpContext context, AuditLog audit, UpdatePackageException refusal)
    {
        if (refusal.Rule != UpdateRules.Busy)
        {
            audit.Record(context, "update.refused", $"{refusal.Rule}: {refusal.Message}");
        }

        return Problems.Refuse(refusal.Rule, refusal.Message, refusal.Rule switch
        {
            UpdateRules.Busy => StatusCodes.Status409Conflict,
            UpdateRules.TooLarge => StatusCodes.Status413PayloadTooLarge,
            UpdateRules.InstallFailed => StatusCodes.Status500InternalServerError,
            _ => StatusCodes.Status422UnprocessableEntity,
        });
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Drills;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

/// <summary>Failover drills: run one, their history and reports, and their settings.</summary>
internal static class DrillEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        // Running a drill fails a server over, so it is for operators, like "fail over now"; its settings are for administrators.
        var operate = secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Operate);
        var administer = secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer);
        operate.MapPost(CmsRoutes.Drills, async (RunDrillRequest request, ClaimsPrincipal user, DrillCommands commands, DrillViews views, CancellationToken ct) =>
        {
            var id = await commands.StartAsync(request.Server, Caller.From(user).UserName, DrillCommands.ManualTrigger, ct).ConfigureAwait(false);
            return Results.Accepted(CmsRoutes.Drill(id), await views.GetAsync(id, ct).ConfigureAwait(false));
        }).WithSummary("Runs a failover drill of a recording server: fail over, hold, fail back, restore, report.");
        secured.MapGet(CmsRoutes.Drills, ([FromQuery] int? server, [FromQuery] int? limit, DrillViews views, CancellationToken ct) => views.ListAsync(server, limit, ct))
            .WithSummary("Lists drills and their reports, newest first.");
        secured.MapGet(CmsRoutes.Drills + "/{id:long}", (long id, DrillViews views, CancellationToken ct) => views.GetAsync(id, ct))
            .WithSummary("One drill and its report.");
        secured.MapGet(CmsRoutes.DrillSettings, (DrillSettingsStore settings) => settings.View).WithSummary("The drill thresholds and schedule.");
        administer.MapPut(CmsRoutes.DrillSettings, (DrillSettingsView view, ClaimsPrincipal user, DrillSettingsStore settings, CancellationToken ct) =>
            settings.SaveAsync(view, Caller.From(user).UserName, ct)).WithSummary("Replaces the drill thresholds and schedule; every broken rule is listed.");
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Cms.Inventory;
using Vigil.Cms.Security;
using Vigil.Contracts.Cms;

namespace Vigil.Cms.Api;

internal static class SettingsEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        // Changing settings is for administrators.
        var changes = secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer);
        secured.MapGet(CmsRoutes.Settings, (SettingsStore settings) => settings.View).WithSummary("The failover settings and inventory limits.");
        changes.MapPut(CmsRoutes.Settings, (SettingsView view, ClaimsPrincipal user, SettingsStore settings, CancellationToken ct) =>
                settings.SaveAsync(view, Caller.From(user), ct))
            .WithSummary("Replaces the failover settings and limits; every broken rule is listed. Turning restore-recordings off needs the first admin's re-authentication.");
    }
}

using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Security;
using Vigil.Cms.Storage;
using Vigil.Cms.Updates;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Domain.Versions;

namespace Vigil.Cms.Api;

/// <summary>
/// Agent updates: packages (upload, list), the online feed and what each server may move to, starting updates and their
/// progress, and the feed setting. Every role reads; an update changes what runs on the servers, so only administrators
/// upload packages, start updates or set the feed.
/// </summary>
internal static class UpdateEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        var administer = secured.MapGroup(string.Empty).RequireAuthorization(CmsPolicies.Administer);
        secured.MapGet(CmsRoutes.AgentUpdates, ([FromQuery] int? server, [FromQuery] int? limit, UpdateViews views, CancellationToken ct) => views.ListAsync(server, limit, ct))
            .WithSummary("Agent updates, newest first, with their step and progress.");
        administer.MapPost(CmsRoutes.AgentUpdates, async (StartUpdateRequest request, ClaimsPrincipal user, UpdateCommands commands, CancellationToken ct) =>
        {
            var queued = await commands.StartAsync(request, Caller.From(user).UserName, ct).ConfigureAwait(false);
            return Results.Accepted(CmsRoutes.AgentUpdates, queued);
        }).WithSummary("Queues an update of each server to an uploaded package or a version of the online feed; protected recording servers roll (no gap).");
        secured.MapGet(CmsRoutes.AgentUpdatePackages, (UpdatePackageStore packages, CancellationToken ct) => packages.ListAsync(ct))
            .WithSummary("The verified update packages the CMS holds.");
        administer.MapPost(CmsRoutes.AgentUpdatePackages, async (HttpContext context, ClaimsPrincipal user, UpdatePackageStore packages, CancellationToken ct) =>
        {
            // A package is tens of megabytes, beyond the server's default request limit; the store bounds it itself.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = UpdatePackageStore.MaxBytes + 1;
            }

            var added = await packages.AddAsync(context.Request.Body, "upload", Caller.From(user).UserName, ct).ConfigureAwait(false);
            return Results.Created($"{CmsRoutes.AgentUpdatePackages}/{added.Id}", added);
        }).WithSummary("Uploads an agent update package (the body); kept once its signature and every file are verified.");
        secured.MapGet(CmsRoutes.AvailableAgentUpdates, AvailableAsync).WithSummary("The online feed's versions and what each server may be updated to.");
        secured.MapGet(CmsRoutes.AgentUpdateSettings, (UpdateSettingsStore settings, CancellationToken ct) => settings.ReadAsync(ct))
            .WithSummary("The online update feed.");
        administer.MapPut(CmsRoutes.AgentUpdateSettings, (UpdateSettingsView view, ClaimsPrincipal user, UpdateSettingsStore settings, CancellationToken ct) =>
            settings.SaveAsync(view, Caller.From(user).UserName, ct)).WithSummary("Sets the online update feed: an absolute folder on the CMS machine or an https URL.");
    }

    private static async Task<AvailableUpdates> AvailableAsync(OnlineFeed feed, CmsDbContext db, CancellationToken ct)
    {
        var (location, catalog, error) = await feed.ReadAsync(ct).ConfigureAwait(false);
        var versions = catalog?.Versions ?? [];
        var cms = VigilVersion.Current;
        var servers = await db.Servers.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct).ConfigureAwait(false);
        return new AvailableUpdates(location, error, VersionCompatibility.Format(cms),
            versions.Select(v => new FeedVersionView(v.Version, v.OldestFrom, v.Size)).ToList(),
            servers.Select(s =>
            {
                var agent = Version.TryParse(s.AgentVersion, out var parsed) ? parsed : new Version(0, 0, 0);
                return new ServerUpdateOffer(s.Id, s.Name, s.AgentVersion, VersionCompatibility.Code(VersionCompatibility.Of(agent, cms)),
                    OnlineFeed.OffersFor(agent, versions, cms));
            }).ToList());
    }
}

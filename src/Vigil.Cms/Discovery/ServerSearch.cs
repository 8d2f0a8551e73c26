using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Vigil.Cms.Inventory;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Cms;
using Vigil.Contracts.Discovery;
using Vigil.Domain.Discovery;
using Vigil.Domain.Versions;

namespace Vigil.Cms.Discovery;

/// <summary>
/// The Add server dialog's search: who answered on the LAN, and what each is to this CMS (its version against the
/// CMS's, already added here, paired with another CMS). Adding one goes through the usual add (fingerprint confirmed).
/// </summary>
internal sealed class ServerSearch(LanSearch lan, CmsDbContext db)
{
    public const string InvalidWindowRule = "search.invalid-window";

    public static TimeSpan DefaultWindow { get; } = TimeSpan.FromSeconds(2);

    public async Task<ServerSearchResponse> SearchAsync(ServerSearchRequest? request, CancellationToken cancellationToken)
    {
        var seconds = request?.Seconds ?? DefaultWindow.TotalSeconds;
        if (seconds is < 1 or > 10 || double.IsNaN(seconds))
        {
            throw new RefusedException(InvalidWindowRule, "A search listens for 1 to 10 seconds.", StatusCodes.Status400BadRequest);
        }

        var sightings = await lan.SearchAsync(TimeSpan.FromSeconds(seconds), cancellationToken).ConfigureAwait(false);
        var cmsId = await CmsInstallation.IdAsync(db, cancellationToken).ConfigureAwait(false);
        var serials = sightings.Select(s => s.Answer.Serial).ToList();
        var known = await db.Servers.AsNoTracking().Where(s => serials.Contains(s.Serial)).Select(s => new { s.Serial, s.Id })
            .ToDictionaryAsync(s => s.Serial, s => s.Id, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var servers = sightings
            .Select(s => View(s, VigilVersion.Current, cmsId, known.TryGetValue(s.Answer.Serial, out var id) ? id : null))
            .OrderBy(v => v.Name, StringComparer.Ordinal).ThenBy(v => v.Address, StringComparer.Ordinal)
            .ToList();
        return new ServerSearchResponse(servers, VigilVersion.Current.ToString(), seconds);
    }

    /// <summary>One sighting as the console and the CLI show it.</summary>
    public static FoundServerView View(Sighting sighting, Version cms, string cmsId, int? serverId)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        var answer = sighting.Answer;
        var version = Version.TryParse(answer.Version, out var parsed) ? parsed : new Version(0, 0, 0);
        var compatibility = VersionCompatibility.Of(version, cms);
        var state = FoundServerRule.Of(version, cms, answer.ManagedBy is not null, answer.ManagedBy?.Id, cmsId, serverId is not null);
        return new FoundServerView(
            answer.Name, answer.Model, answer.Serial, answer.Version, AddressToUse(answer, sighting.From), answer.Addresses, answer.Port,
            answer.Scheme == "https", answer.CertificateFingerprint, VersionCompatibility.Code(compatibility), FoundServerRule.Code(state),
            FoundServerRule.Label(state), FoundServerRule.CanEnable(state),
            answer.ManagedBy is { } cmsRef ? new FoundCms(cmsRef.Name, cmsRef.Id, string.Equals(cmsRef.Id, cmsId, StringComparison.Ordinal)) : null,
            serverId);
    }

    /// <summary>The address the answer came from, when the agent serves there (the one route known to work), else the first it lists.</summary>
    private static string AddressToUse(SearchAnswer answer, IPAddress from)
    {
        var sender = (from.IsIPv4MappedToIPv6 ? from.MapToIPv4() : from).ToString();
        return answer.Addresses.Contains(sender, StringComparer.Ordinal) || answer.Addresses.Count == 0 ? sender : answer.Addresses[0];
    }
}

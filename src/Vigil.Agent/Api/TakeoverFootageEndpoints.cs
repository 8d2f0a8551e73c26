using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Agent.Recording;
using Vigil.Agent.Security;
using Vigil.Agent.Spaces;
using Vigil.Agent.Storage;
using Vigil.Contracts.Agent;
using Vigil.Hosting;

namespace Vigil.Agent.Api;

/// <summary>
/// The footage a released takeover left: removed only once it is safe home (the checksums the recording
/// server confirmed) or when an operator discards it all. Both wait until nothing records for the key, and
/// go through the <see cref="EpochGate"/> like every takeover command. The CMS may also grant the recording server read access
/// to the footage, so it fetches it straight from here.
/// </summary>
internal static class TakeoverFootageEndpoints
{
    public static void Map(RouteGroupBuilder secured)
    {
        secured.MapDelete(AgentRoutes.Takeovers + "/{server}/recordings", DiscardAllAsync);
        secured.MapPost(AgentRoutes.Takeovers + "/{server}/recordings/removal", RemoveConfirmedAsync);
        secured.MapPut(AgentRoutes.Takeovers + "/{server}/grant", Grant);
    }

    /// <summary>Lets a token's bearer read this takeover's footage (and only it) for a while; nothing is changed.</summary>
    private static IResult Grant(
        string server, FootageGrant? grant, HttpContext context, TakeoverStore takeovers, RecordingCatalog catalog, FootageGrants grants,
        AuditLog audit, TimeProvider time)
    {
        var now = time.GetUtcNow();
        if (grant?.TokenSha256 is null || !AgentValidation.IsSha256(grant.TokenSha256) || grant.Expires <= now || grant.Expires > now + FootageGrant.MaxLifetime)
        {
            return Problems.Refuse("takeover.invalid-grant",
                $"A footage grant names a token by its SHA-256 and expires within {FootageGrant.MaxLifetime.TotalHours:0} hours from now.");
        }

        if (!TakeoverEndpoints.IsKnown(server, takeovers, catalog))
        {
            return TakeoverEndpoints.UnknownTakeover(server);
        }

        grants.Add(server, grant.TokenSha256, grant.Expires);
        audit.Record(context, "footage.grant", $"read access to the footage of takeover '{server}' until {grant.Expires:O}");
        return Results.NoContent();
    }

    /// <summary>An operator's confirmed discard: every catalogued file of the key, then its folders.</summary>
    private static async Task<IResult> DiscardAllAsync(
        string server, long? epoch, HttpContext context, EpochGate gate, TakeoverStore takeovers, RecordingCatalog catalog, RecordingSpaces spaces,
        RecorderSupervisor recorders, AuditLog audit)
    {
        if (!AgentValidation.IsIdentifier(server))
        {
            return TakeoverEndpoints.InvalidServer(server);
        }

        return await gate.RunAsync(epoch, () =>
        {
            if (!TakeoverEndpoints.IsKnown(server, takeovers, catalog))
            {
                return TakeoverEndpoints.UnknownTakeover(server);
            }

            if (StillRecording(server, takeovers, recorders) is { } refused)
            {
                return refused;
            }

            // The files go first: a failure part way leaves the catalog naming the key, so the discard can be asked again.
            foreach (var folder in OwnerFolders(server, spaces).Where(Directory.Exists))
            {
                Directory.Delete(folder, recursive: true);
            }

            var deleted = catalog.RemoveAll(server);

            audit.Record(context, "takeover.discard", $"all {deleted} recordings of takeover '{server}' discarded at epoch {epoch}");
            return Results.Ok(new { deleted });
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the key's catalogued files confirmed home (by catalog id, or by SHA-256 from an older CMS), after cataloguing any file not yet
    /// catalogued so nothing unconfirmed can hide in a folder that is then removed.
    /// </summary>
    private static async Task<IResult> RemoveConfirmedAsync(
        string server, FootageRemoval? removal, HttpContext context, EpochGate gate, TakeoverStore takeovers, RecordingCatalog catalog,
        RecordingSpaces spaces, RecorderSupervisor recorders, FootageSweep sweep, AuditLog audit, CancellationToken cancellationToken)
    {
        if (!AgentValidation.IsIdentifier(server))
        {
            return TakeoverEndpoints.InvalidServer(server);
        }

        if (removal?.Sha256 is null || removal.Sha256.Count > RecordingList.MaxPageSize || !removal.Sha256.All(AgentValidation.IsSha256)
            || removal.Ids?.Count > RecordingList.MaxPageSize)
        {
            return Problems.Refuse("takeover.invalid-removal",
                $"A removal needs the epoch and the SHA-256 and catalog id of each recording confirmed home, at most {RecordingList.MaxPageSize} of them.");
        }

        return await gate.RunAsync(removal.Epoch, async () =>
        {
            if (!TakeoverEndpoints.IsKnown(server, takeovers, catalog))
            {
                return TakeoverEndpoints.UnknownTakeover(server);
            }

            if (StillRecording(server, takeovers, recorders) is { } refused)
            {
                return refused;
            }

            // The files go first, then their entries: a failure in between leaves entries of files already gone, all
            // confirmed home, which the next removal drops (deleting a missing file is no error). The other order could
            // leave files that no entry names under a key the catalog no longer knows.
            // By id where the CMS names them: a file of the same bytes as one confirmed home, recorded at another time, is
            // not home. Only a CMS that names no ids is taken at its checksums.
            var confirmed = removal.Ids is { } ids ? CatalogSelection.ByIds(ids) : CatalogSelection.ByChecksums(removal.Sha256);
            foreach (var file in catalog.FilesOf(server, confirmed))
            {
                File.Delete(file);
            }

            var deleted = catalog.Remove(server, confirmed);

            // Before answering that nothing is left, any file nobody catalogued is swept in, so it cannot vanish with a
            // folder it was never confirmed from. While entries remain, the sweep at release has already looked.
            var remaining = catalog.CountOf(server);
            if (remaining == 0 && await sweep.RunAsync(server, cancellationToken).ConfigureAwait(false) > 0)
            {
                remaining = catalog.CountOf(server);
            }

            if (remaining == 0)
            {
                RemoveEmptyFolders(server, spaces);
            }

            audit.Record(context, "footage.remove", $"{deleted} recordings of takeover '{server}' confirmed home removed, {remaining} kept, at epoch {removal.Epoch}");
            return Results.Ok(new FootageRemovalResult(deleted, remaining));
        }).ConfigureAwait(false);
    }

    private static IResult? StillRecording(string server, TakeoverStore takeovers, RecorderSupervisor recorders)
    {
        if (takeovers.Find(server) is not null)
        {
            return Problems.Conflict("takeover.still-recording", $"This server still records for '{server}'; release the takeover first.");
        }

        return recorders.Recorders.Any(r => r.Target.Owner == server)
            ? Problems.Conflict("takeover.still-stopping", $"The recorders for '{server}' are still stopping; try again in a moment.")
            : null;
    }

    /// <summary>A folder still holding any file keeps it: only footage confirmed home may disappear.</summary>
    private static void RemoveEmptyFolders(string server, RecordingSpaces spaces)
    {
        foreach (var folder in OwnerFolders(server, spaces).Where(Directory.Exists))
        {
            if (!Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any())
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static IEnumerable<string> OwnerFolders(string server, RecordingSpaces spaces) =>
        spaces.Paths.Select(space => Path.Combine(space, RecordingTarget.OwnerFolder(server)));
}

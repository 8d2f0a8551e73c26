using System.Text.Json;

namespace Vigil.Agent.Storage;

/// <summary>
/// Which of one owner's catalog entries a removal names: by catalog id, or (for a CMS that names no ids) by SHA-256.
/// The values travel as one JSON array, so a page of thousands is one statement and one parameter.
/// </summary>
public sealed record CatalogSelection(string Clause, string Parameter, string Values)
{
    /// <summary>The owner's entries among these catalog ids; another owner's ids are ignored.</summary>
    public static CatalogSelection ByIds(IReadOnlyCollection<long> ids) =>
        new("owner = $owner AND id IN (SELECT value FROM json_each($ids))", "$ids", JsonSerializer.Serialize(ids.Distinct().ToList()));

    /// <summary>The owner's entries with these SHA-256s, in any case.</summary>
    public static CatalogSelection ByChecksums(IReadOnlyCollection<string> sha256) =>
        new(RecordingCatalog.ByChecksum, "$checksums", JsonSerializer.Serialize(sha256.Select(s => s.ToLowerInvariant()).Distinct().ToList()));
}

using System.Text.Json;

namespace Vigil.Agent.Storage;

/// <summary>
/// Which of one owner's catalog entries a call names: by catalog id, or by SHA-256 (a removal from a CMS that names no
/// ids, and the restore check). The values travel as one JSON array, so a page of thousands is one statement and one parameter.
/// </summary>
public sealed record CatalogSelection(string Clause, string Parameter, string Values)
{
    /// <summary>The owner's entries among these catalog ids; another owner's ids are ignored.</summary>
    public static CatalogSelection ByIds(IReadOnlyCollection<long> ids) =>
        new("owner = $owner AND id IN (SELECT value FROM json_each($ids))", "$ids", JsonSerializer.Serialize(ids.Distinct().ToList()));

    /// <summary>
    /// The owner's entries with these SHA-256s, in any case. The unary plus keeps SQLite off the owner index, which it
    /// would otherwise choose, reading every entry of the owner for each page: a day's restore then checks hundreds of
    /// thousands of rows per page instead of the page's own thousand.
    /// </summary>
    public static CatalogSelection ByChecksums(IReadOnlyCollection<string> sha256) =>
        new("+owner = $owner AND sha256 IN (SELECT value FROM json_each($checksums))", "$checksums",
            JsonSerializer.Serialize(sha256.Select(s => s.ToLowerInvariant()).Distinct().ToList()));
}

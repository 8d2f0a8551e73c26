namespace Vigil.Contracts.Updates;

/// <summary>
/// A feed of update packages: <c>catalog.json</c> in a folder or at an https URL, beside the packages it lists. It only
/// says where to find what; every package is still verified by its own signature where it is installed.
/// </summary>
/// <param name="Format">The catalog format; <see cref="CurrentFormat"/>.</param>
/// <param name="Product">The product of every package listed (<c>vigil</c>).</param>
/// <param name="Versions">Newest first.</param>
public sealed record UpdateCatalog(int Format, string Product, IReadOnlyList<UpdateCatalogEntry> Versions)
{
    public const int CurrentFormat = 1;

    public const string FileName = "catalog.json";
}

/// <param name="File">The package's file name, relative to the catalog.</param>
/// <param name="Size">The package's size in bytes.</param>
/// <param name="Sha256">The package file's SHA-256 (hex), to check a download before it is handed on.</param>
/// <param name="OldestFrom">The oldest version the package may update.</param>
public sealed record UpdateCatalogEntry(string Version, string File, long Size, string Sha256, string OldestFrom);

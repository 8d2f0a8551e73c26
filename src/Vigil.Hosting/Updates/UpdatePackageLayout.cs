namespace Vigil.Hosting.Updates;

/// <summary>
/// An update package (<c>vigil-update_X.Y.Z.vup</c>) is a gzip-compressed tar of, in this order: <see cref="ManifestEntry"/>,
/// <see cref="SignatureEntry"/>, then one <see cref="FilesPrefix"/> entry per manifest file, in the manifest's order. The
/// fixed order lets a reader check the signature before it reads a byte of the program, in one pass over a stream.
/// </summary>
public static class UpdatePackageLayout
{
    public const string ManifestEntry = "manifest.json";

    public const string SignatureEntry = "manifest.sig";

    public const string FilesPrefix = "files/";

    public const string Extension = ".vup";

    // Bounds, so a package cannot make a reader hold or write without end: the program is ~120 MB unpacked.
    public const int MaxManifestBytes = 4 * 1024 * 1024;
    public const int MaxSignatureBytes = 16 * 1024;
    public const int MaxFiles = 20_000;
    public const long MaxFileBytes = 512L * 1024 * 1024;
    public const long MaxProgramBytes = 2L * 1024 * 1024 * 1024;
    public const int MaxPathLength = 512;

    /// <summary>The file name a package of <paramref name="version"/> has in a feed.</summary>
    public static string FileName(string version) => $"vigil-update_{version}{Extension}";
}

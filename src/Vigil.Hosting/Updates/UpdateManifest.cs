using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Hosting.Updates;

/// <summary>
/// What an update package holds and may be installed over, signed as its exact JSON bytes: the product, its version,
/// the oldest version it may update, and every file of the program folder with its size, SHA-256 and Unix mode.
/// </summary>
/// <param name="Format">The manifest format; a reader refuses a format it does not know.</param>
/// <param name="Files">Paths relative to the program folder, '/'-separated, in the order the package stores them.</param>
public sealed record UpdateManifest(int Format, string Product, string Version, string OldestFrom, IReadOnlyList<UpdateManifestFile> Files)
{
    public const int CurrentFormat = 1;

    public const string VigilProduct = "vigil";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static UpdateManifest Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<UpdateManifest>(bytes, Json)
                ?? throw new UpdatePackageException(UpdateRules.Malformed, "The manifest is empty.");
        }
        catch (JsonException e)
        {
            throw new UpdatePackageException(UpdateRules.Malformed, $"The manifest is not valid JSON: {e.Message}");
        }
    }
}

/// <param name="Mode">The Unix mode's permission bits, e.g. 493 (0755) for the executable; installed at most 0755.</param>
public sealed record UpdateManifestFile(string Path, long Size, string Sha256, int Mode)
{
    [JsonIgnore]
    public bool Executable => (Mode & 0b001_001_001) != 0;
}

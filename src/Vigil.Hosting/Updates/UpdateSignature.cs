using System.Text.Json;

namespace Vigil.Hosting.Updates;

/// <summary>
/// The detached signature of a manifest: ECDSA P-256 over SHA-256 of the manifest's bytes (IEEE P1363, base64) and the
/// id of the key that made it, so a reader can tell "signed by a key I do not trust" from "the signature is wrong".
/// </summary>
public sealed record UpdateSignature(string KeyId, string Signature)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static UpdateSignature Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<UpdateSignature>(bytes, Json) is { KeyId.Length: > 0, Signature.Length: > 0 } signature
                ? signature
                : throw new UpdatePackageException(UpdateRules.NotSigned, "The package's signature names no key or holds no signature.");
        }
        catch (JsonException e)
        {
            throw new UpdatePackageException(UpdateRules.Malformed, $"The signature is not valid JSON: {e.Message}");
        }
    }
}

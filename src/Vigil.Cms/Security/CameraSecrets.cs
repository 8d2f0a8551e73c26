using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Vigil.Cms.Storage;
using Vigil.Contracts;
using Vigil.Contracts.Agent;

namespace Vigil.Cms.Security;

/// <summary>
/// Camera stream URLs often carry the camera's user and password, so the CMS keeps them encrypted with the key ring of
/// its data directory (a copy of the database alone reveals none) and opens them only to hand them to a standby.
/// </summary>
public sealed class CameraSecrets(IDataProtectionProvider provider)
{
    /// <summary>Marks an encrypted URL in the stored camera list; a URL without it was written before encryption.</summary>
    public const string SealedPrefix = "sealed:";

    private readonly IDataProtector _protector = provider.CreateProtector("Vigil.Cms.CameraUrl.v1");

    /// <summary>
    /// The camera list as stored, every URL encrypted. A URL that did not change keeps its stored ciphertext, so the copy
    /// taken every few seconds rewrites nothing when nothing changed.
    /// </summary>
    internal string Seal(IReadOnlyList<CameraConfig> cameras, string? storedJson)
    {
        ArgumentNullException.ThrowIfNull(cameras);
        var stored = storedJson is null ? [] : Parse(storedJson);
        var sealedCameras = cameras.Select(camera =>
        {
            var before = stored.FirstOrDefault(s => s.Id == camera.Id && s.StreamUrl.StartsWith(SealedPrefix, StringComparison.Ordinal));
            var url = before is not null && Open(before.StreamUrl) == camera.StreamUrl
                ? before.StreamUrl
                : SealedPrefix + _protector.Protect(camera.StreamUrl);
            return camera with { StreamUrl = url };
        }).ToList();
        return JsonSerializer.Serialize(sealedCameras, ContractJson.Options);
    }

    /// <summary>The cameras with their real URLs: only for telling an agent to record them.</summary>
    internal IReadOnlyList<CameraConfig> Open(ServerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Parse(row.CamerasJson).Select(c => c with { StreamUrl = Open(c.StreamUrl) }).ToList();
    }

    private string Open(string url) => url.StartsWith(SealedPrefix, StringComparison.Ordinal) ? _protector.Unprotect(url[SealedPrefix.Length..]) : url;

    private static List<CameraConfig> Parse(string json) => JsonSerializer.Deserialize<List<CameraConfig>>(json, ContractJson.Options) ?? [];
}

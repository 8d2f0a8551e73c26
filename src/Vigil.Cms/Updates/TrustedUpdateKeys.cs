using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Vigil.Cms.Updates;

/// <summary>
/// The publisher keys whose update packages this CMS accepts, read once from <c>--update-keys FILE</c> (one or more PEM
/// public keys). The CMS checks every package against them before keeping it, and hands them to the agent with the
/// package so the agent checks it again before installing anything.
/// </summary>
internal sealed partial class TrustedUpdateKeys
{
    public const string NoKeysRule = "update.no-trusted-keys";

    private TrustedUpdateKeys(IReadOnlyList<string> spki) => SubjectPublicKeyInfos = spki;

    /// <summary>Each key as base64 SubjectPublicKeyInfo (DER): the form the agent's update header carries.</summary>
    public IReadOnlyList<string> SubjectPublicKeyInfos { get; }

    public bool Any => SubjectPublicKeyInfos.Count > 0;

    public static TrustedUpdateKeys None { get; } = new([]);

    /// <summary>Reads every PEM public key of <paramref name="file"/>; a file that holds none, or a key that is not ECDSA, stops the CMS from starting.</summary>
    public static TrustedUpdateKeys FromFile(string? file)
    {
        if (file is null)
        {
            return None;
        }

        var text = File.ReadAllText(file);
        var keys = new List<string>();
        foreach (Match block in PemBlock().Matches(text))
        {
            using var key = ECDsa.Create();
            try
            {
                key.ImportFromPem(block.Value);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException)
            {
                throw new ArgumentException($"--update-keys {file}: a public key there is not an ECDSA key: {e.Message}", e);
            }

            keys.Add(Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()));
        }

        return keys.Count > 0
            ? new TrustedUpdateKeys(keys)
            : throw new ArgumentException($"--update-keys {file} holds no PEM public key (-----BEGIN PUBLIC KEY-----).");
    }

    [GeneratedRegex("-----BEGIN PUBLIC KEY-----[^-]+-----END PUBLIC KEY-----")]
    private static partial Regex PemBlock();
}

using System.Security.Cryptography;

namespace Vigil.Hosting.Updates;

/// <summary>
/// Publisher keys of update packages: ECDSA P-256. The private key is a PKCS#8 PEM file readable by its owner only;
/// public keys travel as SubjectPublicKeyInfo, in PEM files or as base64 DER (the agent's update header).
/// A key's id is the SHA-256 of its SubjectPublicKeyInfo, in hex.
/// </summary>
public static class UpdateKeys
{
    public const string PrivateKeyFileName = "vigil-update-signing.key";

    public const string PublicKeyFileName = "vigil-update-signing.pub";

    /// <summary>Makes a key pair in <paramref name="directory"/>; refuses to overwrite an existing private key.</summary>
    public static (string PrivateKeyFile, string PublicKeyFile) Generate(string directory)
    {
        Directory.CreateDirectory(directory);
        var privateFile = Path.Combine(directory, PrivateKeyFileName);
        var publicFile = Path.Combine(directory, PublicKeyFileName);
        if (File.Exists(privateFile))
        {
            throw new IOException($"{privateFile} exists already; a new key would orphan every agent that trusts the old one.");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PrivateFiles.WriteAllBytes(privateFile, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem()));
        File.WriteAllText(publicFile, key.ExportSubjectPublicKeyInfoPem());
        return (privateFile, publicFile);
    }

    public static ECDsa LoadPrivate(string file)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file));
        return key;
    }

    /// <summary>A public key from a PEM file (the SPKI "PUBLIC KEY" block).</summary>
    public static ECDsa LoadPublicPem(string file)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(file));
        return key;
    }

    /// <summary>The keys of the agent's update header: base64 SPKI DER, comma-separated.</summary>
    public static IReadOnlyList<ECDsa> ParseHeader(string? header)
    {
        var keys = new List<ECDsa>();
        foreach (var part in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var key = ECDsa.Create();
            try
            {
                key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(part), out _);
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                key.Dispose();
                throw new UpdatePackageException(UpdateRules.NoKeys, $"A trusted key is not a base64 SubjectPublicKeyInfo of an ECDSA key: {e.Message}");
            }

            keys.Add(key);
        }

        return keys;
    }

    /// <summary>The value of the agent's update header for <paramref name="keys"/>.</summary>
    public static string ToHeader(IEnumerable<ECDsa> keys) =>
        string.Join(',', keys.Select(k => Convert.ToBase64String(k.ExportSubjectPublicKeyInfo())));

    public static string Id(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
    }
}

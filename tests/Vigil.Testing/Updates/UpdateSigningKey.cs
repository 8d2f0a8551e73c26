using System.Security.Cryptography;
using Vigil.Hosting.Updates;

namespace Vigil.Testing.Updates;

/// <summary>
/// A publisher key pair for update packages, made as <c>vigil update-package keygen</c> makes it: the private key in a
/// 0600 PKCS#8 PEM file, the public key in an SPKI PEM file, and the value of the agent's <c>Vigil-Update-Keys</c> header.
/// </summary>
public sealed class UpdateSigningKey : IDisposable
{
    private UpdateSigningKey(string privateKeyFile, string publicKeyFile)
    {
        PrivateKeyFile = privateKeyFile;
        PublicKeyFile = publicKeyFile;
        PrivateKey = UpdateKeys.LoadPrivate(privateKeyFile);
        PublicKey = UpdateKeys.LoadPublicPem(publicKeyFile);
    }

    public string PrivateKeyFile { get; }

    public string PublicKeyFile { get; }

    public ECDsa PrivateKey { get; }

    public ECDsa PublicKey { get; }

    /// <summary>What the CMS sends in <c>Vigil-Update-Keys</c> to trust this key alone.</summary>
    public string HeaderValue => UpdateKeys.ToHeader([PublicKey]);

    /// <summary>Makes a new key pair in <paramref name="folder"/> (created if missing).</summary>
    public static UpdateSigningKey Create(string folder)
    {
        var (privateFile, publicFile) = UpdateKeys.Generate(folder);
        return new UpdateSigningKey(privateFile, publicFile);
    }

    public void Dispose()
    {
        PrivateKey.Dispose();
        PublicKey.Dispose();
    }
}

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Hosting;

/// <summary>A TLS certificate the operator provides (<c>--certificate FILE</c>), instead of the self-signed one.</summary>
public static class CertificateFile
{
    /// <summary>Where the password of the certificate file is read from, so it never shows in a process list.</summary>
    public const string PasswordVariable = "VIGIL_CERTIFICATE_PASSWORD";

    /// <summary>Loads a PKCS#12 file; refuses one without a private key, which could not serve TLS.</summary>
    public static X509Certificate2 Load(string path, string? password)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--certificate {path}: no such file.");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException e)
        {
            throw new ArgumentException($"--certificate {path}: cannot read it as PKCS#12 (wrong {PasswordVariable}?): {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ArgumentException($"--certificate {path}: the file holds no private key.");
        }

        return certificate;
    }
}

using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Hosting;

/// <summary>
/// The TLS certificate a Vigil server presents on an https:// URL: created on first use, kept in the
/// data directory, and identified by its SHA-256 fingerprint, which the CMS pins on first contact.
/// </summary>
public static class SelfSignedCertificate
{
    public const string FileName = "tls-certificate.pfx";

    public static X509Certificate2 LoadOrCreate(string dataDirectory, string subjectName, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subjectName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(subjectName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));

        var now = time.GetUtcNow();
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(20));
        var bytes = created.Export(X509ContentType.Pkcs12);
        PrivateFiles.WriteAllBytes(path, bytes);
        return X509CertificateLoader.LoadPkcs12(bytes, password: null);
    }

    /// <summary>The SHA-256 fingerprint as upper-case hex pairs separated by colons, as browsers show it.</summary>
    public static string Fingerprint(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
    }
}

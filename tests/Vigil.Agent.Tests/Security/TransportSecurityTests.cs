using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Vigil.Agent.Tests.Support;
using Vigil.Contracts;
using Vigil.Contracts.Agent;
using Vigil.Hosting;
using Vigil.Testing;

namespace Vigil.Agent.Tests.Security;

/// <summary>An eavesdropper on the network: plain HTTP is refused, HTTPS says how to recognise the agent.</summary>
public sealed class TransportSecurityTests
{
    [Fact]
    public async Task Plain_http_beyond_loopback_is_refused_at_start_with_the_reason()
    {
        var data = Directory.CreateTempSubdirectory("vigil-agent-http-").FullName;
        try
        {
            await using var agent = VigilProcess.Launch(["agent", "--data", data, "--urls", "http://0.0.0.0:0"],
                new Dictionary<string, string> { ["VIGIL_ADMIN_PASSWORD"] = AgentUnderTest.Password });

            var exitCode = await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));

            exitCode.ShouldBe(2);
            await Eventually.UntilAsync(() => agent.Output.Contains("Refusing to serve plain HTTP on http://0.0.0.0:0", StringComparison.Ordinal),
                TimeSpan.FromSeconds(5), "the refusal to be printed");
            agent.Output.ShouldContain(PlainHttpGuard.Flag);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Over_https_anyone_can_read_the_identity_and_fingerprint_and_every_answer_carries_hsts()
    {
        await using var agent = await AgentUnderTest.StartAsync([], scheme: "https");
        X509Certificate2? presented = null;
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                presented = certificate is null ? null : new X509Certificate2(certificate);
                return true;
            },
        };
        using var anonymous = new HttpClient(handler) { BaseAddress = agent.Process.BaseUrl };

        using var response = await anonymous.GetAsync(AgentRoutes.Identity.TrimStart('/'));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("Strict-Transport-Security").Single().ShouldBe("max-age=31536000");
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        json.EnumerateObject().Select(p => p.Name).Order().ShouldBe(["certificateFingerprint", "model", "name", "serial", "version"]);
        var identity = json.Deserialize<AgentIdentityView>(ContractJson.Options)!;
        identity.Name.ShouldBe("rec-test");
        identity.Version.ShouldBe(VigilVersion.Current.ToString());
        identity.CertificateFingerprint.ShouldBe(agent.Process.Find("TLS certificate SHA-256 fingerprint: (\\S+)"));
        identity.CertificateFingerprint.ShouldBe(SelfSignedCertificate.Fingerprint(presented!));
        identity.Serial.ShouldBe((await agent.GetAsync<AgentInfo>(AgentRoutes.Info))!.Serial);
        (await anonymous.GetAsync(AgentRoutes.Info.TrimStart('/'))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, "only the identity is public");
        (await anonymous.GetAsync(AgentRoutes.Live.TrimStart('/'))).Headers.Contains("Strict-Transport-Security").ShouldBeTrue();
    }

    [Fact]
    public async Task An_operators_certificate_file_is_served_instead_of_the_self_signed_one()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=agent.example", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var file = Path.Combine(Path.GetTempPath(), $"vigil-operator-{Guid.NewGuid():N}.pfx");
        await File.WriteAllBytesAsync(file, certificate.Export(X509ContentType.Pkcs12, "pfx-password"));
        try
        {
            await using var agent = await AgentUnderTest.StartAsync(["--certificate", file], scheme: "https",
                environment: new Dictionary<string, string> { [CertificateFile.PasswordVariable] = "pfx-password" });

            var identity = (await agent.GetAsync<AgentIdentityView>(AgentRoutes.Identity))!;

            identity.CertificateFingerprint.ShouldBe(SelfSignedCertificate.Fingerprint(certificate));
            agent.Process.Find("TLS certificate SHA-256 fingerprint: (\\S+)").ShouldBe(identity.CertificateFingerprint);
            File.Exists(Path.Combine(agent.DataDirectory, SelfSignedCertificate.FileName)).ShouldBeFalse("no self-signed certificate is made");
            agent.Process.Output.ShouldNotContain("pfx-password");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
